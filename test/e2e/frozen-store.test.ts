import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { DateTime } from 'luxon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalCloudProcess, type LocalCloudProcess } from '../helpers/local-cloud-process';

const ROOT = resolve(import.meta.dirname, '../..');
const TIMEZONE = 'America/Los_Angeles';
/** The API function's limit in this local cloud: it answers 1 s before, so a frozen store costs 4 s, not 28. */
const API_TIMEOUT_SECONDS = 5;

const pause = (ms: number): Promise<void> => new Promise((done) => setTimeout(done, ms));
const localDayOf = (iso: string): string => DateTime.fromISO(iso, { zone: TIMEZONE }).toISODate() ?? '';

/** Freezes a process as a hung store would be (SIGSTOP), for `ms`, then lets it go on (SIGCONT). */
function freeze(pid: number, ms: number): Promise<void> {
  process.kill(pid, 'SIGSTOP');
  return pause(ms).finally(() => process.kill(pid, 'SIGCONT'));
}

/**
 * Faults as an operator meets them: DynamoDB Local or the S3 emulator frozen (SIGSTOP) while
 * requests that write are under way. The answer must say the outcome is unknown, never that the
 * request failed, and the same request sent again with its Idempotency-Key must not count twice.
 */
describe('a frozen store (SIGSTOP) under writes', () => {
  let cloud: LocalCloudProcess;
  let dir: string;

  beforeAll(async () => {
    cloud = await startLocalCloudProcess({ args: ['--no-demo', '--api-timeout', String(API_TIMEOUT_SECONDS)], env: { ENABLE_TEST_ENDPOINTS: 'true' } });
    dir = await mkdtemp(join(tmpdir(), 'nightshift-frozen-'));
  }, 90_000);

  afterAll(async () => {
    for (const pid of [cloud?.ready.pids.dynamodb, cloud?.ready.pids.s3]) if (pid) process.kill(pid, 'SIGCONT');
    if (cloud && cloud.child.exitCode === null) await cloud.stop('SIGKILL');
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  async function send(body: unknown, key: string): Promise<{ status: number; body: any; headers: Headers }> {
    const response = await fetch(`${cloud.ready.apiUrl}/events`, {
      method: 'POST',
      headers: { authorization: `Bearer ${cloud.adminToken}`, 'content-type': 'application/json', 'idempotency-key': key },
      body: JSON.stringify(body),
    });
    return { status: response.status, body: await response.json(), headers: response.headers };
  }

  /** The day's count of a metric, once the day is complete (every accepted event counted). */
  async function completeCount(metric: string, day: string): Promise<number> {
    for (let attempt = 0; attempt < 150; attempt += 1) {
      const { body } = await cloud.request(`/stats?metric=${metric}&from=${day}&to=${day}`);
      if (body.incompleteDays.length === 0 && body.items.length > 0) return body.items[0].count as number;
      await pause(200);
    }
    throw new Error(`${metric} ${day} did not become complete`);
  }

  it('answers an ingest stuck on a frozen S3 with 504 outcome_unknown, and stores its 5-day-old events once when it is sent again', async () => {
    // Prepare: 300 orders five days ago.
    const start = DateTime.now().setZone(TIMEZONE).minus({ days: 5 }).set({ hour: 10, minute: 0 });
    const events = Array.from({ length: 300 }, (_, i) => ({ metric: 'orders', ts: start.plus({ seconds: i }).toUTC().toISO(), dims: { store: `s${i % 3}` } }));
    const day = localDayOf(events[0]!.ts!);

    // Act
    const frozen = freeze(cloud.ready.pids.s3, 8_000);
    const started = Date.now();
    const first = await send({ events }, 'frozen-s3-1');
    const answeredAfterMs = Date.now() - started;
    await frozen;
    let again = await send({ events }, 'frozen-s3-1');
    for (let attempt = 0; attempt < 50 && again.status === 409; attempt += 1) {
      await pause(200);
      again = await send({ events }, 'frozen-s3-1');
    }
    const count = await completeCount('orders', day);

    // Assess
    expect(first.status).toBe(504);
    expect(first.body.error.code).toBe('outcome_unknown');
    expect(first.body.error.message).toContain('same Idempotency-Key');
    expect(answeredAfterMs).toBeLessThan(API_TIMEOUT_SECONDS * 1000 + 1_500);
    expect(again.status).toBe(202);
    expect(again.body.accepted).toBe(300);
    expect(count).toBe(300);
  });

  it('answers a run started on a frozen DynamoDB with 504 outcome_unknown, and a retry with its key finds the one run it started', async () => {
    // Prepare
    const key = 'frozen-ddb-1';
    const start = (): Promise<Response> =>
      fetch(`${cloud.ready.apiUrl}/jobs`, {
        method: 'POST',
        headers: { authorization: `Bearer ${cloud.adminToken}`, 'content-type': 'application/json', 'idempotency-key': key },
        body: JSON.stringify({ type: 'sweeper' }),
      });

    // Act
    const frozen = freeze(cloud.ready.pids.dynamodb, 8_000);
    const first = await start();
    const firstBody = await first.json();
    await frozen;
    let again = await start();
    for (let attempt = 0; attempt < 50 && again.status === 409; attempt += 1) {
      await pause(200);
      again = await start();
    }
    const againBody = await again.json();
    const runs = (await cloud.request('/jobs?type=sweeper&limit=50')).body.items.filter((run: { trigger: string }) => run.trigger === 'api');

    // Assess
    expect(first.status).toBe(504);
    expect(firstBody.error.code).toBe('outcome_unknown');
    expect([200, 202]).toContain(again.status);
    expect(runs.map((run: { id: string }) => run.id)).toEqual([againBody.job.id]);
  });

  it('lets `nightshift events send` ride out a frozen S3: batches are sent again with their keys and every event is counted once', async () => {
    // Prepare: 2,000 sessions three days ago, in 4 batches of 500.
    const start = DateTime.now().setZone(TIMEZONE).minus({ days: 3 }).set({ hour: 9, minute: 0 });
    const lines = Array.from({ length: 2_000 }, (_, i) => JSON.stringify({ metric: 'sessions', ts: start.plus({ seconds: i }).toUTC().toISO(), dims: { channel: i % 2 ? 'web' : 'app' } }));
    const file = join(dir, 'sessions.ndjson');
    await writeFile(file, `${lines.join('\n')}\n`);
    const day = localDayOf(start.toUTC().toISO() ?? '');

    // Act
    const cli = spawn(process.execPath, [join(ROOT, 'bin/nightshift.mjs'), 'events', 'send', file, '--batch-lines', '500', '--concurrency', '1', '--json'], {
      env: { ...process.env, NIGHTSHIFT_URL: cloud.ready.apiUrl, NIGHTSHIFT_TOKEN: cloud.adminToken },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    cli.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    cli.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    await pause(300);
    await freeze(cloud.ready.pids.s3, 7_000);
    const code = await new Promise<number | null>((done) => cli.once('exit', done));
    const count = await completeCount('sessions', day);

    // Assess
    expect(code, stderr).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({ events: 2_000, accepted: 2_000 });
    expect(JSON.parse(stdout).retries).toBeGreaterThan(0);
    // Which batch the freeze catches depends on how fast the first ones went: any of them, retried with its key.
    expect(stderr).toMatch(/retrying lines \d+-\d+: POST \/events did not finish within \d s: it may or may not have taken effect/);
    expect(count).toBe(2_000);
  });
});
