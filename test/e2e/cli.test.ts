import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { DateTime } from 'luxon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalCloudProcess, type LocalCloudProcess } from '../helpers/local-cloud-process';

const ROOT = resolve(import.meta.dirname, '../..');
const TIMEZONE = 'America/Los_Angeles';
const LINES = 100_000;

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
}

const pause = (ms: number) => new Promise((done) => setTimeout(done, ms));

/** The 100k-line file: mostly valid events over the last day, with bad and blank lines at known places. */
async function writeEventsFile(path: string, now: Date): Promise<{ invalidLines: number[]; blankLines: number; revenue: { count: number; sum: number } }> {
  const out = createWriteStream(path);
  const invalidLines: number[] = [];
  let blankLines = 0;
  const revenue = { count: 0, sum: 0 };
  const metrics = ['revenue', 'orders', 'sessions'];
  for (let line = 1; line <= LINES; line += 1) {
    let text: string;
    if (line % 9_973 === 0) {
      text = '';
      blankLines += 1;
    } else if (line % 4_999 === 0) {
      text = '{"metric":"revenue","ts":'; // cut short: not JSON
      invalidLines.push(line);
    } else if (line % 3_001 === 0) {
      text = JSON.stringify({ metric: 'no_such_metric', ts: new Date(now.getTime() - 3_600_000).toISOString() });
      invalidLines.push(line);
    } else {
      const metric = metrics[line % 3]!;
      // Spread over the last 20 hours (well inside the rollup's 48-hour lookback).
      const ts = new Date(now.getTime() - 60_000 - (line % 1_200) * 60_000).toISOString();
      const value = metric === 'revenue' ? (line % 97) + 0.5 : 1;
      if (metric === 'revenue') {
        revenue.count += 1;
        revenue.sum += value;
      }
      text = JSON.stringify({ metric, ts, value, dims: { store: `s0${line % 5}`, channel: line % 2 ? 'web' : 'app' } });
    }
    if (!out.write(`${text}\n`)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
  return { invalidLines, blankLines, revenue };
}

describe('nightshift CLI against the local cloud', () => {
  let cloud: LocalCloudProcess;
  let dir: string;

  /** `node bin/nightshift.mjs …` as a user runs it, with NIGHTSHIFT_URL / NIGHTSHIFT_TOKEN. */
  async function nightshift(args: string[], token: string = cloud.adminToken): Promise<Run> {
    const started = Date.now();
    const child = spawn(process.execPath, ['bin/nightshift.mjs', ...args], {
      cwd: ROOT,
      env: { ...process.env, NIGHTSHIFT_URL: cloud.ready.apiUrl, NIGHTSHIFT_TOKEN: token },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const [code] = (await once(child, 'exit')) as [number | null];
    return { code, stdout, stderr, ms: Date.now() - started };
  }

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'nightshift-cli-e2e-'));
    cloud = await startLocalCloudProcess({ args: ['--no-demo'] });
  }, 90_000);

  afterAll(async () => {
    if (cloud && cloud.child.exitCode === null) await cloud.stop('SIGKILL');
    await rm(dir, { recursive: true, force: true });
  });

  it('runs a sweep and waits for it, then lists and shows it', async () => {
    // Act
    const run = await nightshift(['run', 'sweeper', '--wait', '--json']);
    const record = JSON.parse(run.stdout) as { id: string; status: string };
    const list = await nightshift(['jobs', 'list', '--type', 'sweeper']);
    const show = await nightshift(['jobs', 'show', record.id]);

    // Assess
    expect(run.code).toBe(0);
    expect(record.status).toBe('succeeded');
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(new RegExp(`${record.id}\\s+sweeper\\s+succeeded\\s+api`));
    expect(show.code).toBe(0);
    expect(show.stdout).toMatch(/^status\s+succeeded$/m);
    expect(show.stdout).toMatch(/^by\s+admin$/m);
  }, 60_000);

  it('shows the schedules with their next fire times and passes --check for the shipped config', async () => {
    // Act
    const human = await nightshift(['schedules', '--check']);
    const machine = await nightshift(['schedules', '--json']);

    // Assess: rollup-hourly loses its 02:05 slot on spring-forward days, which is reported but no whole day is missed.
    expect(human.code).toBe(0);
    expect(human.stdout).toContain('check: ok');
    expect(human.stdout).toMatch(/rollup-hourly: cron\(5 \* \* \* \? \*\) in America\/Los_Angeles skips 1 slot/);
    const { tasks } = JSON.parse(machine.stdout) as { tasks: Array<{ name: string; nextRuns: unknown[] }> };
    expect(tasks.map((task) => task.name)).toEqual(expect.arrayContaining(['rollup-hourly', 'snapshot-daily', 'snapshot-weekly', 'snapshot-monthly', 'sweeper']));
    expect(tasks.every((task) => task.nextRuns.length === 5)).toBe(true);
  }, 30_000);

  it("backfills last week's days and lists their snapshots", async () => {
    // Prepare
    const today = DateTime.now().setZone(TIMEZONE).startOf('day');
    const from = today.minus({ days: 8 }).toISODate()!;
    const to = today.minus({ days: 2 }).toISODate()!;

    // Act
    const backfill = await nightshift(['backfill', 'snapshot', '--from', from, '--to', to, '--wait', '--json']);
    const again = await nightshift(['backfill', 'snapshot', '--from', from, '--to', to]);
    // The first test's sweep catches up recent days too; those runs may still be finishing.
    let items: Array<{ period: string; scope: string }> = [];
    for (const deadline = Date.now() + 30_000; items.length < 7 && Date.now() < deadline; await pause(500)) {
      const snapshots = await nightshift(['snapshots', '--from', from, '--to', to, '--scope', 'overall', '--json']);
      items = (JSON.parse(snapshots.stdout) as { items: typeof items }).items;
    }

    // Assess: no events, so each day ends `warning` (values null, listed as errors): exit 0.
    expect(backfill.code).toBe(0);
    const result = JSON.parse(backfill.stdout) as { periods: number; queued: unknown[]; skipped: unknown[]; finished: Array<{ status: string }> };
    expect(result.periods).toBe(7);
    expect(result.queued.length + result.skipped.length).toBe(7);
    expect(result.finished.map((job) => job.status)).toEqual(result.queued.map(() => 'warning'));
    expect(again.code).toBe(0);
    expect(again.stdout).toContain(`7 day period(s) ${from}..${to}: 0 queued, 7 skipped`);
    expect(items.map((item) => item.period)).toEqual(Array.from({ length: 7 }, (_, index) => today.minus({ days: 8 - index }).toISODate()));
  }, 90_000);

  it("sends a 100,000-line file in batches: counts match and rejected lines are the file's", async () => {
    // Prepare
    const file = join(dir, 'events.ndjson');
    const { invalidLines, blankLines, revenue } = await writeEventsFile(file, new Date());

    // Act
    const sent = await nightshift(['events', 'send', file, '--json']);
    const report = JSON.parse(sent.stdout) as { lines: number; events: number; accepted: number; rejectedCount: number; rejected: Array<{ line: number; error: string }>; requests: number; seconds: number };
    const rollup = await nightshift(['run', 'rollup', '--wait']);
    // The debounced rollup may hold the lease and a follow-up may still be due: read until it has caught up.
    const day = (offset: number) => DateTime.now().setZone(TIMEZONE).minus({ days: offset }).toISODate()!;
    let items: Array<{ count: number; sum: number }> = [];
    for (const deadline = Date.now() + 60_000; Date.now() < deadline; await pause(1000)) {
      const stats = await nightshift(['stats', 'revenue', '--from', day(2), '--to', day(0), '--json']);
      items = (JSON.parse(stats.stdout) as { items: typeof items }).items;
      if (items.reduce((total, item) => total + item.count, 0) >= revenue.count) break;
    }

    // Assess
    expect(sent.code).toBe(1); // some lines were rejected
    expect(report).toMatchObject({ lines: LINES, events: LINES - blankLines, accepted: LINES - blankLines - invalidLines.length, rejectedCount: invalidLines.length });
    expect(report.rejected.map((rejection) => rejection.line)).toEqual([...invalidLines].sort((a, b) => a - b));
    expect(report.rejected.find((rejection) => rejection.line === 4_999)?.error).toMatch(/^not valid JSON/);
    expect(report.rejected.find((rejection) => rejection.line === 3_001)?.error).toContain('no_such_metric');
    expect(report.requests).toBe(Math.ceil((LINES - blankLines) / 5_000));
    expect(rollup.code).toBe(0);
    expect(items.reduce((total, item) => total + item.count, 0)).toBe(revenue.count);
    expect(items.reduce((total, item) => total + item.sum, 0)).toBeCloseTo(revenue.sum, 6);
    console.info(`events send: ${LINES} lines, ${report.requests} requests, ${report.seconds.toFixed(1)} s in the CLI, ${sent.ms} ms with process start`);
  }, 180_000);

  it('exits 2 with the usage line on a bad command line, and 1 with the API message for an unknown run or no token', async () => {
    // Act
    const usage = await nightshift(['jobs', 'list', '--nope']);
    const unknown = await nightshift(['jobs', 'show', '01KAZ3Q0M8W1Y2X3V4T5S6R7P8']);
    const noToken = await nightshift(['jobs', 'list'], '');

    // Assess
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain('nightshift: unknown option --nope\nusage: nightshift jobs list');
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toBe('error: no job with id "01KAZ3Q0M8W1Y2X3V4T5S6R7P8" (HTTP 404 not_found)\n');
    expect(noToken.code).toBe(1);
    expect(noToken.stderr).toContain('HTTP 401 unauthorized');
    expect(noToken.stderr).toContain('set NIGHTSHIFT_TOKEN');
  }, 30_000);
});
