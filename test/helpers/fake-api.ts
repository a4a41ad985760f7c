import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { CliIo } from '../../cli/output';
import { main } from '../../cli/main';

export interface FakeRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  headers: IncomingMessage['headers'];
  body: string;
}

/** `drop`: close the connection without an answer (a load balancer or a network dropping it). */
export type FakeAnswer = { status: number; body?: unknown; raw?: string; drop?: boolean };
export type FakeRoute = (request: FakeRequest) => FakeAnswer | Promise<FakeAnswer>;

/**
 * A tiny HTTP server standing in for the Nightshift API: routes by `METHOD /path` (exact), every
 * request recorded. For client and CLI tests that need precise answers (errors, sequences) or
 * routes this branch does not have yet (proofs, scripts).
 */
export class FakeApi {
  readonly requests: FakeRequest[] = [];
  private server: Server | undefined;
  url = '';

  constructor(private readonly routes: Record<string, FakeRoute> = {}) {}

  route(key: string, handler: FakeRoute): this {
    this.routes[key] = handler;
    return this;
  }

  async start(): Promise<this> {
    this.server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const url = new URL(request.url ?? '/', 'http://fake');
        const recorded: FakeRequest = {
          method: request.method ?? 'GET',
          path: url.pathname,
          query: Object.fromEntries(url.searchParams),
          headers: request.headers,
          body: Buffer.concat(chunks).toString('utf8'),
        };
        this.requests.push(recorded);
        const handler = this.routes[`${recorded.method} ${recorded.path}`];
        void Promise.resolve(handler ? handler(recorded) : { status: 404, body: { error: { code: 'route_not_found', message: `no route ${recorded.method} ${recorded.path}` } } }).then((answer) => {
          if (answer.drop) {
            request.socket.destroy();
            return;
          }
          response.writeHead(answer.status, { 'content-type': 'application/json' });
          response.end(answer.raw ?? (answer.body === undefined ? '' : JSON.stringify(answer.body)));
        });
      });
    });
    await new Promise<void>((done) => this.server!.listen(0, '127.0.0.1', done));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    await new Promise<void>((done) => this.server?.close(() => done()) ?? done());
  }
}

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the CLI in-process against `url` with captured output; sleeps are instant and advance a virtual clock. */
export async function runCli(args: readonly string[], options: { url?: string; token?: string; env?: Record<string, string>; now?: Date; tty?: boolean } = {}): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  let clock = (options.now ?? new Date()).getTime();
  const io: CliIo = {
    stdout: (text) => {
      stdout += text;
    },
    stderr: (text) => {
      stderr += text;
    },
    stderrIsTty: options.tty ?? false,
    env: { ...(options.url ? { NIGHTSHIFT_URL: options.url } : {}), NIGHTSHIFT_TOKEN: options.token ?? 'test-token', ...options.env },
    sleep: async (ms) => {
      clock += ms;
    },
    now: () => new Date(clock),
  };
  const code = await main(args, io);
  return { code, stdout, stderr };
}
