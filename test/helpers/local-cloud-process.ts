import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';

const ROOT = resolve(import.meta.dirname, '../..');

export interface ReadyInfo {
  apiUrl: string;
  consoleUrl: string;
  dynamodbEndpoint: string;
  s3Endpoint: string;
  pids: { dynamodb: number; s3: number };
  names: { jobsTable: string; analyticsTable: string; bucket: string };
}

export interface LocalCloudProcess {
  ready: ReadyInfo;
  child: ChildProcess;
  adminToken: string;
  output: string[];
  /** Measured from spawn to the ready line. */
  startupMs: number;
  /** Sends `signal` and resolves with the exit code once the process has exited. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
  request(path: string, init?: { method?: string; body?: unknown; token?: string | null }): Promise<{ status: number; body: any }>;
  /** A request with a body sent as is (NDJSON, malformed JSON), with its own content type. */
  requestText(path: string, init: { method?: string; body: string; contentType: string; token?: string | null }): Promise<{ status: number; body: any }>;
}

/**
 * Starts the local cloud exactly as `npm start` does (a separate Node process running
 * infra/local/main.ts under tsx), on free ports with its own data directory.
 */
export async function startLocalCloudProcess(
  options: {
    args?: string[];
    env?: Record<string, string>;
    /** Reuse a data directory (a second start); the caller owns it and removes it. @default a fresh temp dir, removed on stop */
    dataDir?: string;
    /** Let the local cloud generate the admin token and keep it in the data dir, as a user's first start does. @default false: a token of the test's own */
    keptToken?: boolean;
  } = {},
): Promise<LocalCloudProcess> {
  const ownsDataDir = options.dataDir === undefined;
  const dataDir = options.dataDir ?? (await mkdtemp(join(tmpdir(), 'nightshift-e2e-')));
  const chosenToken = options.keptToken ? '' : `e2e-admin-${Math.random().toString(36).slice(2)}`;
  const started = Date.now();
  const child = spawn(
    process.execPath,
    ['--openssl-legacy-provider', '--import', 'tsx', 'infra/local/main.ts', '--port', '0', '--data-dir', dataDir, ...(options.args ?? [])],
    {
      cwd: ROOT,
      env: { ...process.env, NIGHTSHIFT_ADMIN_TOKEN: chosenToken, POWERTOOLS_LOG_LEVEL: 'WARN', ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const output: string[] = [];
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
  createInterface({ input: child.stderr! }).on('line', (line) => output.push(line));
  const ready = await new Promise<ReadyInfo>((done, fail) => {
    const timer = setTimeout(() => fail(new Error(`local cloud not ready in 60 s:\n${output.slice(-30).join('\n')}`)), 60_000);
    createInterface({ input: child.stdout! }).on('line', (line) => {
      output.push(line);
      if (line.startsWith('NIGHTSHIFT_READY ')) {
        clearTimeout(timer);
        done(JSON.parse(line.slice('NIGHTSHIFT_READY '.length)) as ReadyInfo);
      }
    });
    void exited.then((code) => {
      clearTimeout(timer);
      fail(new Error(`local cloud exited with ${code} before it was ready:\n${output.slice(-30).join('\n')}`));
    });
  });
  const startupMs = Date.now() - started;
  const adminToken = options.keptToken ? (JSON.parse(await readFile(join(dataDir, 'tokens.json'), 'utf8')) as { admin: string }).admin : chosenToken;

  return {
    ready,
    child,
    adminToken,
    output,
    startupMs,
    async stop(signal = 'SIGINT') {
      if (child.exitCode === null) child.kill(signal);
      const code = await exited;
      // A SIGKILLed local cloud cannot stop its emulators (Java does not notice its parent dying):
      // the test run must not leave them behind. Any other signal is the local cloud's own job,
      // which the tests check.
      if (signal === 'SIGKILL') for (const pid of [ready.pids.dynamodb, ready.pids.s3]) if (isAlive(pid)) process.kill(pid, 'SIGKILL');
      if (ownsDataDir) await rm(dataDir, { recursive: true, force: true });
      return code;
    },
    async request(path, init = {}) {
      const token = init.token === undefined ? adminToken : init.token;
      const response = await fetch(`${ready.apiUrl}${path}`, {
        method: init.method ?? 'GET',
        headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(init.body !== undefined ? { 'content-type': 'application/json' } : {}) },
        ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}),
      });
      const text = await response.text();
      return { status: response.status, body: text ? JSON.parse(text) : undefined };
    },
    async requestText(path, init) {
      const token = init.token === undefined ? adminToken : init.token;
      const response = await fetch(`${ready.apiUrl}${path}`, {
        method: init.method ?? 'POST',
        headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), 'content-type': init.contentType },
        body: init.body,
      });
      const text = await response.text();
      return { status: response.status, body: text ? JSON.parse(text) : undefined };
    },
  };
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
