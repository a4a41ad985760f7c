import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FakeApi, runCli, type FakeRequest } from '../../helpers/fake-api';

const ID = '01KAZ3Q0M8W1Y2X3V4T5S6R7P8';
const OTHER = '01KAZ3Q0M8W1Y2X3V4T5S6R7P9';

function job(overrides: Record<string, unknown> = {}) {
  return { id: ID, type: 'sweeper', status: 'queued', trigger: 'api', params: {}, createdAt: '2026-11-23T10:00:00.000Z', artifacts: [], triggeredBy: 'admin', expiresAt: 1, ...overrides };
}

/** The server's NDJSON rules in small: non-blank lines are events; "bad" lines and non-JSON are rejected by index. */
function fakeIngest(request: FakeRequest) {
  const rejected: Array<{ index: number; error: string }> = [];
  let index = 0;
  let accepted = 0;
  request.body.split('\n').forEach((text, lineIndex) => {
    if (text.trim() === '') return;
    try {
      const event = JSON.parse(text) as { metric?: string };
      if (event.metric === 'bad') rejected.push({ index, error: 'metric "bad" is not declared' });
      else accepted += 1;
    } catch {
      rejected.push({ index, error: `line ${lineIndex + 1} is not valid JSON: Unexpected token` });
    }
    index += 1;
  });
  if (accepted === 0) return { status: 400, body: { error: { code: 'no_valid_events', message: 'no event is valid' }, accepted: 0, rejected, objects: [] } };
  return { status: 202, body: { accepted, rejected, objects: ['events/o'] } };
}

describe('nightshift CLI (against a fake API)', () => {
  const api = new FakeApi();
  let dir: string;
  const cli = (args: string[], options: Parameters<typeof runCli>[1] = {}) => runCli(args, { url: api.url, ...options });

  beforeAll(async () => {
    // The business time zone the CLI shows times in.
    api.route('GET /metrics', () => ({ status: 200, body: { timezone: 'America/Los_Angeles', weekStartsOn: 'monday', metrics: [], ratios: [], dimensions: [] } }));
    await api.start();
    dir = await mkdtemp(join(tmpdir(), 'nightshift-cli-'));
  });

  afterAll(async () => {
    await api.stop();
    await rm(dir, { recursive: true, force: true });
  });

  beforeEach(() => {
    api.requests.length = 0;
  });

  describe('usage', () => {
    it.each([
      [['frobnicate'], 'unknown command "frobnicate"'],
      [['jobs', 'list', '--bogus'], 'unknown option --bogus'],
      [['jobs', 'show'], 'missing ID'],
      [['run'], 'missing <schedule|type>'],
      [['jobs', 'show', ID, 'extra'], 'unexpected argument "extra"'],
      [['jobs', 'list', '--', 'x'], 'arguments after -- are not taken'],
      [['jobs', 'list', '--limit', 'ten'], '--limit must be a whole number'],
      [['jobs', 'list', '--since', 'yesterday'], '--since must be an ISO time'],
      [['jobs', 'list', '--status', 'done'], '--status must be one of'],
      [['backfill', 'snapshot', '--to', '2026-11-02'], '--from is required'],
      [['backfill', 'snapshot', '--from', 'a', '--to', 'b', '--only-missing', '--all-periods'], 'do not go together'],
      [['stats', 'revenue', '--from', '2026-02-30', '--to', '2026-03-01'], '--from must be a day'],
      [['run', 'sweeper', '--param', 'novalue'], '--param takes key=value'],
      [['events', 'send', '/no/such/file.ndjson'], 'no such file'],
      [['proofs', 'show', '22-11-2026'], 'DATE must be a day'],
      [['schedules', '--strict'], '--strict goes with --check'],
      [['jobs', 'watch', ID, '--interval', '0'], '--interval must be a whole number from 1'],
    ])('%j exits 2 with the message and the usage line, without calling the API', async (args, message) => {
      // Act
      const result = await cli(args);

      // Assess
      expect(result.code).toBe(2);
      expect(result.stderr).toContain(message);
      expect(result.stderr).toMatch(/usage: nightshift /);
      expect(api.requests).toEqual([]);
    });

    it('prints help with exit 0 for --help, -h and help <command>, and the command list on stderr with 2 for nothing', async () => {
      // Act
      const [main, command, short, viaHelp, group, nothing] = await Promise.all([
        cli(['--help']),
        cli(['events', 'send', '--help']),
        cli(['jobs', 'watch', '-h']),
        cli(['help', 'backfill']),
        cli(['jobs']),
        cli([]),
      ]);

      // Assess
      expect(main.code).toBe(0);
      for (const name of ['health', 'jobs list', 'jobs watch', 'run', 'backfill', 'schedules', 'events send', 'stats', 'snapshots', 'proofs show', 'proofs list', 'scripts list', 'scripts run']) {
        expect(main.stdout).toContain(`  ${name} `);
      }
      expect(command).toMatchObject({ code: 0 });
      expect(command.stdout).toContain('usage: nightshift events send FILE.ndjson');
      expect(command.stdout).toContain('--batch-lines N');
      expect(short.stdout).toContain('usage: nightshift jobs watch ID');
      expect(viaHelp.stdout).toContain('--all-periods');
      expect(group.code).toBe(2);
      expect(group.stderr).toContain('nightshift jobs <list|show|logs|watch>');
      expect(nothing.code).toBe(2);
      expect(nothing.stderr).toContain('usage: nightshift <command>');
    });
  });

  describe('API errors', () => {
    it("exit 1 with the API's message; --json also puts the error on stdout", async () => {
      // Prepare
      api.route(`GET /jobs/${OTHER}`, () => ({ status: 404, body: { error: { code: 'not_found', message: `no job with id "${OTHER}"` } } }));

      // Act
      const human = await cli(['jobs', 'show', OTHER]);
      const machine = await cli(['--json', 'jobs', 'show', OTHER]);

      // Assess
      expect(human.code).toBe(1);
      expect(human.stderr).toBe(`error: no job with id "${OTHER}" (HTTP 404 not_found)\n`);
      expect(machine.code).toBe(1);
      expect(JSON.parse(machine.stdout)).toEqual({ error: { status: 404, code: 'not_found', message: `no job with id "${OTHER}"` } });
    });

    it('hints at NIGHTSHIFT_TOKEN on a 401 without a token, and uses --token and --url over the environment', async () => {
      // Prepare
      api.route('GET /scheduler/tasks', (request) =>
        request.headers['authorization'] ? { status: 200, body: { tasks: [] } } : { status: 401, body: { error: { code: 'unauthorized', message: 'a valid bearer token is required' } } },
      );

      // Act
      const anonymous = await runCli(['schedules'], { url: api.url, token: '' });
      const flagged = await runCli(['schedules', '--token', 'flag-token', '--url', api.url], { url: 'http://127.0.0.1:1' });

      // Assess
      expect(anonymous.code).toBe(1);
      expect(anonymous.stderr).toContain('set NIGHTSHIFT_TOKEN');
      expect(flagged.code).toBe(0);
      expect(api.requests.at(-1)?.headers['authorization']).toBe('Bearer flag-token');
    });
  });

  describe('jobs', () => {
    it('lists runs as a table, and --all follows the cursor', async () => {
      // Prepare
      api.route('GET /jobs', (request) =>
        request.query['cursor'] === 'page2'
          ? { status: 200, body: { items: [job({ id: OTHER, status: 'failed' })], nextCursor: null } }
          : { status: 200, body: { items: [job({ status: 'succeeded', durationMs: 1500, summary: { timedOut: 0, reinvoked: 2, caughtUp: [], missingLeft: 0 } })], nextCursor: 'page2' } },
      );

      // Act
      const first = await cli(['jobs', 'list', '--type', 'sweeper', '--limit', '1']);
      const all = await cli(['jobs', 'list', '--all', '--json']);

      // Assess: times on the business zone's clock (GET /metrics), the zone named in the heading.
      expect(first.code).toBe(0);
      expect(first.stdout.split('\n')[0]).toMatch(/^ID\s+TYPE\s+STATUS\s+TRIGGER\s+PERIOD\s+CREATED \(America\/Los_Angeles\)\s+DURATION\s+BY\s+OUTCOME$/);
      expect(first.stdout).toMatch(new RegExp(`${ID}  sweeper  succeeded  api\\s+2026-11-23 02:00:00 -08:00\\s+1\\.5 s  admin  invoked 2 lost runs again$`, 'm'));
      expect(first.stdout).not.toContain(OTHER);
      expect(api.requests.find((request) => request.path === '/jobs')?.query).toEqual({ type: 'sweeper', limit: '1' });
      expect(all.stdout).not.toContain('-08:00');
      expect(api.requests.filter((request) => request.path === '/metrics')).toHaveLength(1);
      expect((JSON.parse(all.stdout) as { items: Array<{ id: string }> }).items.map((item) => item.id)).toEqual([ID, OTHER]);
    });

    it('watch prints each status change and exits by the final status', async () => {
      // Prepare
      const sequence = ['queued', 'running', 'running', 'failed'];
      api.route(`GET /jobs/${ID}`, () => ({ status: 200, body: job({ status: sequence.shift() ?? 'failed', error: { code: 'boom', message: 'it broke' } }) }));

      // Act
      const result = await cli(['jobs', 'watch', ID]);

      // Assess
      expect(result.code).toBe(1);
      const lines = result.stdout.trim().split('\n');
      expect(lines.map((text) => text.split('  ').at(-1))).toEqual(['queued', 'running', 'failed', `sweeper run ${ID} ended failed — boom: it broke`]);
    });

    it('--timeout stops waiting with exit 1 and leaves the run alone; a bad --timeout is a usage error before anything starts', async () => {
      // Prepare
      api.route(`GET /jobs/${ID}`, () => ({ status: 200, body: job({ status: 'running' }) }));

      // Act
      const watched = await cli(['jobs', 'watch', ID, '--timeout', '5', '--interval', '2']);
      const typo = await cli(['run', 'sweeper', '--wait', '--timeout', 'soon']);

      // Assess
      expect(watched.code).toBe(1);
      expect(watched.stderr).toContain(`run ${ID} is still running after 5 s (--timeout)`);
      expect(api.requests.filter((request) => request.path === `/jobs/${ID}`)).toHaveLength(4); // t = 0, 2, 4, 6 s
      expect(typo.code).toBe(2);
      expect(api.requests.some((request) => request.method === 'POST')).toBe(false);
    });

    it('run --wait follows the run holding an already covered period, and exits 0 when it succeeded', async () => {
      // Prepare
      api.route('POST /jobs', () => ({ status: 200, body: { job: job({ id: ID, type: 'snapshot', period: '2026-11-22', status: 'skipped', skippedFor: OTHER }), existingJobId: OTHER } }));
      api.route(`GET /jobs/${OTHER}`, () => ({ status: 200, body: job({ id: OTHER, type: 'snapshot', period: '2026-11-22', status: 'succeeded' }) }));

      // Act
      const result = await cli(['run', 'snapshot', '--period', '2026-11-22', '--param', 'days=7', '--param', 'note=from=here', '--idempotency-key', 'nightly-7', '--wait']);

      // Assess
      expect(result.code).toBe(0);
      expect(JSON.parse(api.requests[0]!.body)).toEqual({ type: 'snapshot', period: '2026-11-22', params: { days: 7, note: 'from=here' }, force: false });
      expect(api.requests[0]!.headers['idempotency-key']).toBe('nightly-7');
      expect(result.stdout).toContain(`already covered by run ${OTHER}`);
      expect(result.stdout).toContain(`snapshot run ${OTHER} ended succeeded`);
    });

    it('run <schedule> starts what the schedule would, through the scheduler trigger', async () => {
      // Prepare
      api.route('POST /scheduler/trigger/export-daily', () => ({ status: 202, body: { job: job({ type: 'export', period: '2026-11-22' }) } }));

      // Act
      const result = await cli(['run', 'export-daily']);

      // Assess
      expect(result.code).toBe(0);
      expect(api.requests.map((request) => `${request.method} ${request.path}`)).toEqual(['POST /scheduler/trigger/export-daily']);
      expect(result.stdout).toBe(`started export 2026-11-22: run ${ID} (queued)\n`);
    });

    it('run daily goes through the scheduler trigger', async () => {
      // Prepare
      api.route('POST /scheduler/trigger/daily', () => ({ status: 202, body: { job: job({ type: 'snapshot', period: '2026-11-22' }) } }));

      // Act
      const result = await cli(['run', 'daily', '--force']);

      // Assess
      expect(result.code).toBe(0);
      expect(JSON.parse(api.requests[0]!.body)).toEqual({ force: true });
      expect(result.stdout).toBe(`started snapshot 2026-11-22: run ${ID} (queued)\n`);
    });
  });

  describe('health', () => {
    it('shows each type and exits 1 when degraded', async () => {
      // Prepare
      const jobs = {
        rollup: { healthy: true, reason: 'succeeded 20 min ago', schedules: ['rollup-hourly'], lastRun: { id: ID, status: 'succeeded', createdAt: '2026-11-23T10:00:00.000Z' }, lastSuccess: { id: ID, status: 'succeeded', createdAt: '2026-11-23T10:00:00.000Z', finishedAt: '2026-11-23T10:00:05.000Z' } },
        snapshot: { healthy: false, reason: 'no success in 48 h', schedules: ['snapshot-daily'], lastRun: null, lastSuccess: null },
      };
      api.route('GET /health', () => ({ status: 503, body: { status: 'degraded', version: '1', time: 't', timezone: 'Asia/Kolkata', jobs } }));
      api.route('GET /health/rollup', () => ({ status: 200, body: { status: 'ok', version: '1', timezone: 'Asia/Kolkata', type: 'rollup', ...jobs.rollup } }));

      // Act
      const all = await cli(['health'], { token: '' });
      const one = await cli(['health', 'rollup']);
      const inOwnZone = await cli(['health', 'rollup'], { env: { NIGHTSHIFT_TIMEZONE: 'Europe/Berlin' } });

      // Assess: health needs no token, and its report names the zone, so nothing else is asked.
      expect(all.code).toBe(1);
      expect(all.stdout).toMatch(/^TYPE\s+HEALTHY\s+LAST RUN \(Asia\/Kolkata\)\s+LAST SUCCESS\s+REASON$/m);
      expect(all.stdout).toMatch(/snapshot\s+NO\s+—\s+—\s+no success in 48 h/);
      expect(all.stdout.trim().endsWith('degraded')).toBe(true);
      expect(one.code).toBe(0);
      expect(one.stdout).toMatch(/rollup\s+yes\s+succeeded 2026-11-23 15:30:00 \+05:30\s+2026-11-23 15:30:05 \+05:30/);
      expect(inOwnZone.stdout).toMatch(/LAST RUN \(Europe\/Berlin\)[\s\S]*succeeded 2026-11-23 11:00:00 \+01:00/);
      expect(api.requests.filter((request) => request.path === '/metrics')).toEqual([]);
    });
  });

  describe('schedules --check', () => {
    const task = (name: string, warnings: unknown[], enabled = true) => ({ name, type: 'snapshot', expression: 'cron(30 2 * * ? *)', timezone: 'America/Los_Angeles', enabled, period: 'previous-day', description: null, nextRuns: [{ utc: '2026-11-24T10:30:00.000Z', local: '2026-11-24T02:30:00-08:00' }], lastRun: null, lastSuccess: null, catchUp: { mode: 'all', window: '7d', maxPerSweep: 5 }, warnings });
    const gap = (missedDays: string[]) => ({ code: 'dst_gap', message: 'gap message', dates: ['2027-03-14'], missedDays });

    it.each([
      ['a schedule that misses a whole day', 1, [task('daily', [gap(['2027-03-14'])])], []],
      ['an hourly schedule losing one slot', 0, [task('hourly', [gap([])])], []],
      ['an hourly schedule losing one slot, --strict', 1, [task('hourly', [gap([])])], ['--strict']],
      ['a disabled schedule in a gap', 0, [task('off', [gap(['2027-03-14'])], false)], []],
      ['an invalid expression', 1, [task('broken', [{ code: 'invalid_expression', message: 'bad cron', dates: [], missedDays: [] }])], []],
    ])('%s exits %i', async (_name, code, tasks, extra) => {
      // Prepare
      api.route('GET /scheduler/tasks', () => ({ status: 200, body: { tasks } }));

      // Act
      const result = await cli(['schedules', '--check', ...extra]);

      // Assess
      expect(result.code).toBe(code);
      expect(result.stdout).toContain(code === 0 ? 'check: ok' : 'check: 1 problem(s)');
    });
  });

  describe('schedules slots', () => {
    it("lists a schedule's slots with their fates in its zone, marks the DST-gap slot, and --missed keeps the missed ones", async () => {
      // Prepare
      const run = { id: '01KAXYZ0000000000000000001', status: 'succeeded', trigger: 'schedule' };
      const body = {
        schedule: 'snapshot-early',
        type: 'snapshot',
        timezone: 'America/Los_Angeles',
        period: 'previous-day',
        from: '2027-03-12T20:00:00.000Z',
        to: '2027-03-15T20:00:00.000Z',
        counts: { fired: 1, failed: 0, retried: 0, caught_up: 1, skipped: 0, period_taken: 0, dead_lettered: 0, missing: 1, not_yet: 0 },
        slots: [
          { scheduledFor: '2027-03-13T10:30:00.000Z', local: '2027-03-13T02:30:00-08:00', period: '2027-03-12', fate: 'missing' },
          { scheduledFor: '2027-03-14T10:30:00.000Z', local: '2027-03-14T02:30:00-08:00', dstGap: true, period: '2027-03-13', fate: 'caught_up', reason: 'dst_gap', run: { ...run, trigger: 'catch-up' } },
          { scheduledFor: '2027-03-15T09:30:00.000Z', local: '2027-03-15T02:30:00-07:00', period: '2027-03-14', fate: 'fired', run },
        ],
      };
      api.route('GET /scheduler/tasks/snapshot-early/slots', () => ({ status: 200, body }));

      // Act
      const all = await cli(['schedules', 'slots', 'snapshot-early', '--from', '2027-03-12T20:00:00Z']);
      const missed = await cli(['schedules', 'slots', 'snapshot-early', '--missed']);

      // Assess
      expect(all.code).toBe(0);
      expect(api.requests[0]?.query).toEqual({ from: '2027-03-12T20:00:00Z' });
      expect(all.stdout).toMatch(/2027-03-14 02:30\*\s+caught_up \(dst_gap\)\s+2027-03-13\s+\S+ succeeded \(catch-up\)/);
      expect(all.stdout).toContain('3 slots: fired 1, caught_up 1, missing 1');
      expect(missed.stdout).toContain('2027-03-13 02:30');
      expect(missed.stdout).not.toContain('2027-03-15 02:30');
    });
  });

  describe('events send', () => {
    it("sends the file in batches and reports rejected lines by the file's line numbers", async () => {
      // Prepare: 23 lines, blank ones included; bad events on file lines 4, 12 and 21 (not JSON).
      const lines: string[] = [];
      for (let number = 1; number <= 23; number += 1) {
        if (number === 3 || number === 10) lines.push('');
        else if (number === 4 || number === 12) lines.push('{"metric":"bad"}');
        else if (number === 21) lines.push('{not json');
        else lines.push(`{"metric":"orders","n":${number}}`);
      }
      const file = join(dir, 'events.ndjson');
      await writeFile(file, `${lines.join('\n')}\n`);
      api.route('POST /events', fakeIngest);

      // Act
      const result = await cli(['events', 'send', file, '--batch-lines', '5', '--json']);

      // Assess
      expect(result.code).toBe(1);
      const report = JSON.parse(result.stdout) as Record<string, any>;
      expect(report).toMatchObject({ lines: 23, events: 21, accepted: 18, rejectedCount: 3, requests: 5 });
      expect(report['rejected']).toEqual([
        { line: 4, error: 'metric "bad" is not declared' },
        { line: 12, error: 'metric "bad" is not declared' },
        { line: 21, error: 'not valid JSON: Unexpected token' },
      ]);
      expect(api.requests.map((request) => request.body.split('\n').length)).toEqual([5, 5, 5, 5, 1]);
      expect(api.requests.every((request) => request.headers['content-type'] === 'application/x-ndjson')).toBe(true);
    });

    it('keeps each request under --batch-bytes, exits 0 when all is accepted and draws progress only on a terminal', async () => {
      // Prepare: 100 lines of ~1 KiB, a file without a final newline.
      const file = join(dir, 'wide.ndjson');
      await writeFile(file, Array.from({ length: 100 }, (_, index) => JSON.stringify({ metric: 'orders', pad: 'x'.repeat(1000), index })).join('\n'));
      api.route('POST /events', fakeIngest);

      // Act
      const result = await cli(['events', 'send', file, '--batch-bytes', '10240'], { tty: true });

      // Assess
      expect(result.code).toBe(0);
      expect(result.stdout).toContain('accepted 100, rejected 0');
      expect(Math.max(...api.requests.map((request) => Buffer.byteLength(request.body)))).toBeLessThanOrEqual(10240);
      expect(api.requests.length).toBeGreaterThanOrEqual(10);
    });

    it('sends each batch with its own Idempotency-Key, and sends a batch again with the same key after a 504, a 409 or a dropped answer', async () => {
      // Prepare: the second batch meets an outcome-unknown 504, then a 409 (the first try still at work), a dropped connection, then goes through.
      const file = join(dir, 'retry.ndjson');
      await writeFile(file, `${Array.from({ length: 30 }, () => '{"metric":"orders"}').join('\n')}\n`);
      const answers = [
        { status: 504, body: { error: { code: 'outcome_unknown', message: 'POST /events did not finish within 28 s' } } },
        { status: 409, body: { error: { code: 'idempotency_key_in_progress', message: 'still at work' } } },
        { status: 0, drop: true },
      ];
      let calls = 0;
      api.route('POST /events', (request) => (++calls >= 2 && calls <= 4 ? answers[calls - 2]! : fakeIngest(request)));

      // Act
      const result = await cli(['events', 'send', file, '--batch-lines', '10', '--concurrency', '1', '--json']);

      // Assess
      expect(result.code).toBe(0);
      expect(JSON.parse(result.stdout)).toMatchObject({ accepted: 30, requests: 3, retries: 3 });
      const keys = api.requests.map((request) => String(request.headers['idempotency-key']));
      expect(keys.slice(1, 5)).toEqual([keys[1], keys[1], keys[1], keys[1]]);
      expect(new Set(keys).size).toBe(3);
      expect(keys.every((key) => /^[0-9a-f-]{36}-\d+$/.test(key))).toBe(true);
      expect(result.stderr).toMatch(/retrying lines 11-20: POST \/events did not finish within 28 s; sending again in \d+\.\d s \(attempt 2, same Idempotency-Key\)/);
    });

    it('stops when a batch still fails after --retry-for, and prints the key that finishes the file without storing anything twice', async () => {
      // Prepare
      const file = join(dir, 'fail.ndjson');
      await writeFile(file, `${Array.from({ length: 30 }, () => '{"metric":"orders"}').join('\n')}\n`);
      let calls = 0;
      api.route('POST /events', (request) => (++calls === 2 ? { status: 503, body: { error: { code: 'storage_unavailable', message: 'S3 is down' } } } : fakeIngest(request)));

      // Act
      const result = await cli(['events', 'send', file, '--batch-lines', '10', '--concurrency', '1', '--retry-for', '0']);
      const runKey = /--key (\S+):/.exec(result.stderr)?.[1];
      const again = await cli(['events', 'send', file, '--batch-lines', '10', '--concurrency', '1', '--key', runKey ?? 'missing', '--json']);

      // Assess
      expect(result.code).toBe(1);
      expect(result.stdout).toContain('accepted 10, rejected 0');
      expect(result.stderr).toContain('error: S3 is down');
      expect(result.stderr).toContain('lines from 11 on may not all be stored. To finish, run the same command again with --key ');
      expect(calls).toBe(5);
      expect(again.code).toBe(0);
      expect(api.requests.slice(2).map((request) => request.headers['idempotency-key'])).toEqual([0, 1, 2].map((batch) => `${runKey}-${batch}`));
      expect(api.requests[0]!.headers['idempotency-key']).toBe(`${runKey}-0`);
    });
  });

  describe('proofs', () => {
    const proof = (status: string, exitCode: number) => ({
      schema: 'nightshift.sampling-proof/v1', date: '2026-11-22', timezone: 'America/Los_Angeles', generatedAt: '2026-11-23T11:00:00.000Z', configHash: 'h', status, exitCode,
      summary: { pass: 3, warn: 0, critical: status === 'critical' ? 1 : 0, skipped: 0, total: 4 },
      checks: [{ id: 'range:revenue', kind: 'range', metric: 'revenue', status: status === 'critical' ? 'critical' : 'pass', reason: null, message: 'revenue 12 is below 100', observed: 12, expected: { min: 100, max: null }, score: null, parameters: {} }],
      anomalies: [],
    });

    it("shows yesterday's proof in the given zone and exits 1 when it is critical", async () => {
      // Prepare
      api.route('GET /proofs/2026-11-22', () => ({ status: 200, body: proof('critical', 2) }));

      // Act: 2026-11-23 05:00Z is still the 22nd in Los Angeles, so yesterday is the 21st there; UTC says the 22nd.
      const critical = await cli(['proofs', 'show', '--timezone', 'UTC'], { now: new Date('2026-11-23T05:00:00Z') });

      // Assess
      expect(critical.code).toBe(1);
      expect(api.requests[0]?.path).toBe('/proofs/2026-11-22');
      expect(critical.stdout).toContain('critical (exit code 2)');
      expect(critical.stdout).toMatch(/range:revenue\s+critical\s+12\s+100\.\.—\s+revenue 12 is below 100/);
    });

    it('exits 0 for a passing proof and lists the last 14 days by default', async () => {
      // Prepare
      api.route('GET /proofs/2026-11-22', () => ({ status: 200, body: proof('pass', 0) }));
      api.route('GET /proofs', () => ({ status: 200, body: { items: [{ date: '2026-11-22', status: 'warn', exitCode: 1, generatedAt: 'g', key: 'k', jobId: ID, summary: { pass: 1, warn: 1, critical: 0, skipped: 0, total: 2 }, criticalMetrics: [] }] } }));

      // Act
      const pass = await cli(['proofs', 'show', '2026-11-22']);
      const list = await cli(['proofs', 'list', '--to', '2026-11-22']);

      // Assess
      expect(pass.code).toBe(0);
      expect(list.code).toBe(0);
      expect(api.requests.at(-1)?.query).toEqual({ from: '2026-11-09', to: '2026-11-22' });
      expect(list.stdout).toMatch(/2026-11-22\s+warn\s+1\s+1\s+0\s+0/);
    });
  });

  describe('stats', () => {
    it('asks for the last 7 local days, today included, when no range is given', async () => {
      // Prepare
      api.route('GET /stats', () => ({ status: 200, body: { metric: 'revenue', timezone: 'America/Los_Angeles', items: [], incompleteDays: [] } }));

      // Act: 2026-11-23 05:00Z is still the 22nd in Los Angeles.
      const result = await cli(['stats', 'revenue', '--timezone', 'America/Los_Angeles'], { now: new Date('2026-11-23T05:00:00Z') });

      // Assess
      expect(result.code).toBe(0);
      expect(api.requests.at(-1)?.query).toEqual({ metric: 'revenue', from: '2026-11-16', to: '2026-11-22' });
    });
  });

  describe('scripts', () => {
    const scripts = {
      scripts: [
        {
          name: 'weekly-summary', description: 'Sums a week', interpreter: 'python3', timeoutMs: 60_000, memoryMb: 256,
          args: { type: 'object', properties: { days: { type: 'integer', default: 7 }, metric: { type: 'string' }, dry: { type: 'boolean' } }, required: ['metric'] },
          argv: { days: '--days', metric: '--metric', dry: '--dry-run' },
        },
      ],
      maxConcurrency: 2, outputCapBytes: 1_048_576, run: 'POST /jobs …',
    };

    it('lists scripts with their arguments', async () => {
      // Prepare
      api.route('GET /scripts', () => ({ status: 200, body: scripts }));

      // Act
      const result = await cli(['scripts', 'list']);

      // Assess
      expect(result.code).toBe(0);
      expect(result.stdout).toMatch(/weekly-summary\s+python3\s+60 s\s+days:integer=7 metric:string\* dry:boolean\s+Sums a week/);
    });

    it('runs a script with the arguments after -- typed by its schema, then prints its output', async () => {
      // Prepare
      api.route('GET /scripts', () => ({ status: 200, body: scripts }));
      api.route('POST /jobs', () => ({ status: 202, body: { job: job({ type: 'script-run' }) } }));
      api.route(`GET /jobs/${ID}`, () => ({ status: 200, body: job({ type: 'script-run', status: 'succeeded' }) }));
      api.route(`GET /jobs/${ID}/logs`, () => ({ status: 200, body: { jobId: ID, type: 'script-run', status: 'succeeded', available: true, stdout: { key: 'k', size: 6, bytesWritten: 6, truncated: false, url: 'u', inline: true, text: 'total 42' }, stderr: null } }));

      // Act
      const result = await cli(['scripts', 'run', 'weekly-summary', '--wait', '--', '--days', '14', 'metric=revenue', '--dry']);
      const unknown = await cli(['scripts', 'run', 'weekly-summary', '--', '--weeks', '2']);

      // Assess
      expect(result.code).toBe(0);
      const submitted = api.requests.find((request) => request.method === 'POST')!;
      expect(JSON.parse(submitted.body)).toEqual({ type: 'script-run', params: { script: 'weekly-summary', args: { days: 14, metric: 'revenue', dry: true } } });
      expect(result.stdout).toContain('total 42\n');
      expect(unknown.code).toBe(2);
      expect(unknown.stderr).toContain('unknown argument "weeks"; known: days, metric, dry');
    });
  });
});
