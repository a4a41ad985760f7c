import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { LambdaFunction } from './functions';
import type { Credentials } from './identities';

const WORKER = fileURLToPath(new URL('./sandbox/lambda-worker.mjs', import.meta.url));

export interface InvocationContext {
  awsRequestId: string;
  invokedFunctionArn: string;
  functionName: string;
  functionVersion: string;
  memoryLimitInMB: string;
  logGroupName: string;
  logStreamName: string;
  /** Rehearsal time at which Lambda stops the invocation. */
  deadlineMs: number;
}

export type SandboxResult =
  | { ok: true; payload: unknown }
  | { ok: false; error: { errorType: string; errorMessage: string; trace?: string[] }; crashed?: boolean };

/**
 * One execution environment: a Node 22 process running the worker, which loads the function's
 * bundle from its task root. Environment = the template's variables, Lambda's reserved
 * variables and the sandbox's own session credentials.
 */
export class Sandbox {
  readonly child: ChildProcess;
  readonly ready: Promise<void>;
  busy = false;
  /** Set when the endpoint holds its calls on purpose (a hung dependency): the timeline does not wait for it. */
  held = false;
  private readonly pending = new Map<string, (result: SandboxResult) => void>();
  private exited = false;

  constructor(
    readonly id: string,
    readonly fn: LambdaFunction,
    readonly credentials: Credentials,
    options: { node: string; endpoint: string; region: string; clockOffsetMs: number; tmpDir: string; onLine: (line: string, stream: 'stdout' | 'stderr') => void },
  ) {
    const tmp = join(options.tmpDir, id);
    mkdirSync(tmp, { recursive: true });
    this.child = spawn(options.node, [WORKER], {
      cwd: fn.taskRoot,
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      env: {
        PATH: process.env['PATH'] ?? '/usr/bin:/bin',
        LANG: 'en_US.UTF-8',
        TZ: ':UTC',
        TMPDIR: tmp,
        ...fn.environment,
        _HANDLER: fn.handler,
        LAMBDA_TASK_ROOT: fn.taskRoot,
        AWS_EXECUTION_ENV: `AWS_Lambda_${fn.runtime}`,
        AWS_LAMBDA_FUNCTION_NAME: fn.name,
        AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
        AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(fn.memoryMb),
        AWS_LAMBDA_LOG_GROUP_NAME: fn.logGroupName,
        AWS_LAMBDA_LOG_STREAM_NAME: `rehearsal/[$LATEST]${id}`,
        AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
        AWS_REGION: options.region,
        AWS_DEFAULT_REGION: options.region,
        AWS_ACCESS_KEY_ID: credentials.accessKeyId,
        AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
        AWS_SESSION_TOKEN: credentials.sessionToken,
        // The one thing AWS does not set: every SDK client's endpoint is the rehearsal's.
        AWS_ENDPOINT_URL: options.endpoint,
        REHEARSAL_CLOCK_OFFSET_MS: String(options.clockOffsetMs),
      },
    });
    for (const [stream, name] of [[this.child.stdout, 'stdout'], [this.child.stderr, 'stderr']] as const) {
      if (stream) createInterface({ input: stream, crlfDelay: Infinity }).on('line', (line) => options.onLine(line, name));
    }
    this.ready = new Promise((resolve, reject) => {
      this.child.on('message', (message: { kind: string; id?: string } & Partial<SandboxResult>) => {
        if (message.kind === 'ready') resolve();
        if (message.kind === 'result' && message.id) {
          const done = this.pending.get(message.id);
          this.pending.delete(message.id);
          done?.(message as SandboxResult);
        }
      });
      this.child.once('exit', (code, signal) => {
        this.exited = true;
        reject(new Error(`sandbox exited before it was ready (${signal ?? code})`));
        for (const done of this.pending.values()) done({ ok: false, error: { errorType: 'Runtime.ExitError', errorMessage: `RequestId: the runtime exited (${signal ?? `code ${String(code)}`})` }, crashed: true });
        this.pending.clear();
      });
    });
    this.ready.catch(() => undefined);
    // A send to a sandbox that is dying fails; the exit handler above reports what matters.
    this.child.on('error', () => undefined);
  }

  get alive(): boolean {
    return !this.exited;
  }

  invoke(event: unknown, context: InvocationContext): Promise<SandboxResult> {
    return new Promise((resolve) => {
      if (this.exited) {
        resolve({ ok: false, error: { errorType: 'Runtime.ExitError', errorMessage: 'the runtime is gone' }, crashed: true });
        return;
      }
      this.pending.set(context.awsRequestId, resolve);
      this.child.send({ kind: 'invoke', id: context.awsRequestId, event, context }, () => undefined);
    });
  }

  setClock(offsetMs: number): void {
    if (!this.exited && this.child.connected) this.child.send({ kind: 'clock', offsetMs }, () => undefined);
  }

  kill(): void {
    if (!this.exited) this.child.kill('SIGKILL');
  }
}
