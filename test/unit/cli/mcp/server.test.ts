import { ToolListChangedNotificationSchema, type Tool } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FakeApi, type FakeAnswer } from '../../../helpers/fake-api';
import { connectInMemory, scriptList, textOf, type McpSession } from '../../../helpers/mcp-session';

const ID = '01KAZ3Q0M8W1Y2X3V4T5S6R7P8';
const HOLDER = '01KAZ3Q0M8W1Y2X3V4T5S6R7P9';
const NOW = Date.parse('2026-11-23T12:00:00.000Z');

function job(overrides: Record<string, unknown> = {}) {
  return { id: ID, type: 'sweeper', status: 'queued', trigger: 'api', params: {}, createdAt: '2026-11-23T10:00:00.000Z', artifacts: [], triggeredBy: 'admin', expiresAt: 1, ...overrides };
}

/** Answers in turn, repeating the last one. */
function sequence(...answers: FakeAnswer[]) {
  let index = 0;
  return () => answers[Math.min(index++, answers.length - 1)]!;
}

const notFound = (id: string): FakeAnswer => ({ status: 404, body: { error: { code: 'not_found', message: `no job with id "${id}"` } } });

describe('nightshift MCP server (in process, against a fake API)', () => {
  const api = new FakeApi();
  let session: McpSession;
  const requestsTo = (method: string, path: string) => api.requests.filter((request) => request.method === method && request.path === path);

  beforeAll(async () => {
    await api.start();
  });

  afterAll(async () => {
    await api.stop();
  });

  beforeEach(async () => {
    api.route('GET /scripts', () => ({ status: 200, body: scriptList() }));
    session = await connectInMemory(api.url, { now: () => NOW });
    await session.client.listTools(); // as clients do; the SDK's client then checks structuredContent against each outputSchema
    api.requests.length = 0;
  });

  afterEach(async () => {
    await session.close();
  });

  describe('tools/list', () => {
    it('lists every tool, one per script besides run_script, each described down to its inputs, with an output schema', async () => {
      // Act
      const { tools } = await session.client.listTools();

      // Assess
      expect(tools.map((tool) => tool.name)).toEqual([
        'list_jobs',
        'get_job',
        'get_job_logs',
        'run_job',
        'list_scripts',
        'run_script',
        'run_script_events-summary',
        'run_script_stats-report',
        'list_schedules',
        'list_schedule_slots',
        'get_stats',
        'get_proof',
        'explain_proof',
        'annotate_days',
        'list_annotations',
      ]);
      for (const tool of tools) {
        expect(tool.description?.length, tool.name).toBeGreaterThan(60);
        expect(tool.outputSchema?.type, tool.name).toBe('object');
        for (const [name, property] of Object.entries(tool.inputSchema.properties ?? {})) expect((property as { description?: string }).description, `${tool.name}.${name}`).toBeTruthy();
      }
      const readOnly = (tool: Tool) => tool.annotations?.readOnlyHint === true;
      expect(tools.filter((tool) => !readOnly(tool)).map((tool) => tool.name)).toEqual(['run_job', 'run_script', 'run_script_events-summary', 'run_script_stats-report', 'annotate_days']);
      const runScript = tools.find((tool) => tool.name === 'run_script')!;
      expect(runScript.inputSchema.properties!['script']).toMatchObject({ enum: ['events-summary', 'stats-report'] });
      expect((runScript.inputSchema.properties!['args'] as { anyOf: Array<{ title: string }> }).anyOf.map((schema) => schema.title)).toEqual(['events-summary', 'stats-report']);
    });

    it('lists run_script without script schemas while the whitelist is late, then says the list changed', async () => {
      // Prepare: a slow GET /scripts and a server that waits only 50 ms for it.
      await session.close();
      api.route('GET /scripts', () => new Promise<FakeAnswer>((done) => setTimeout(() => done({ status: 200, body: scriptList() }), 300)));
      session = await connectInMemory(api.url, { scriptsWaitMs: 50 });
      const changed = new Promise<void>((done) => session.client.setNotificationHandler(ToolListChangedNotificationSchema, () => done()));

      // Act
      const before = await session.client.listTools();
      await changed;
      const after = await session.client.listTools();

      // Assess
      expect(before.tools.map((tool) => tool.name)).not.toContain('run_script_events-summary');
      expect(before.tools.find((tool) => tool.name === 'run_script')!.inputSchema.properties!['script']).not.toHaveProperty('enum');
      expect(after.tools.map((tool) => tool.name)).toContain('run_script_events-summary');
    });
  });

  describe('jobs', () => {
    it('list_jobs passes the filters, turning an age into a time, and says how to get the next page', async () => {
      // Prepare
      api.route('GET /jobs', () => ({ status: 200, body: { items: [job({ status: 'failed' })], nextCursor: 'c2' } }));

      // Act
      const result = await session.call('list_jobs', { type: 'sweeper', status: 'failed', since: '6h', limit: 5 });

      // Assess
      expect(result.isError).toBeFalsy();
      expect(requestsTo('GET', '/jobs')[0]!.query).toEqual({ type: 'sweeper', status: 'failed', since: '2026-11-23T06:00:00.000Z', limit: '5' });
      expect(textOf(result)).toMatch(new RegExp(`^ID\\s+TYPE\\s+STATUS[\\s\\S]*${ID}\\s+sweeper\\s+failed`));
      expect(textOf(result)).toContain('call list_jobs again with cursor "c2"');
      expect(result.structuredContent).toEqual({ items: [job({ status: 'failed' })], nextCursor: 'c2' });
    });

    it.each([
      ['list_jobs', { since: 'yesterday' }, 'invalid arguments: since: must be an ISO-8601 time with an offset (2026-11-23T08:00:00Z) or an age back from now: 30m, 6h, 7d; got "yesterday"'],
      ['list_jobs', { limt: 5 }, 'invalid arguments: unknown argument "limt" (known: type, status, since, until, limit, cursor)'],
      ['list_jobs', { limit: 500 }, 'invalid arguments: limit: Too big: expected number to be <=100'],
      ['get_job', {}, 'invalid arguments: id: Invalid input: expected string, received undefined'],
      ['get_stats', { metric: 'revenue', from: '2026-02-30', to: '2026-03-01' }, 'invalid arguments: from: must be a real calendar day'],
      ['run_job', { type: 'daily', period: '2026-11-22' }, "invalid arguments: daily runs the previous period's snapshot; for a chosen one, run type snapshot with a period"],
    ])('%s refuses %j before calling the API', async (tool, args, message) => {
      // Act
      const result = await session.call(tool, args);

      // Assess
      expect(result.isError).toBe(true);
      expect(textOf(result)).toBe(message);
      expect(api.requests).toEqual([]);
    });

    it("get_job of an unknown id is a tool error carrying the API's message", async () => {
      // Prepare
      api.route('GET /jobs/nope', () => notFound('nope'));

      // Act
      const result = await session.call('get_job', { id: 'nope' });

      // Assess
      expect(result).toEqual({ content: [{ type: 'text', text: 'no job with id "nope" (HTTP 404 not_found)' }], isError: true });
    });

    it('get_job_logs shows the end of a long stream and says how much is left out', async () => {
      // Prepare
      const stdout = Array.from({ length: 500 }, (_, index) => `line ${index}`).join('\n');
      api.route(`GET /jobs/${ID}/logs`, () => ({
        status: 200,
        body: {
          jobId: ID,
          type: 'script-run',
          status: 'succeeded',
          available: true,
          stdout: { key: 'k', size: stdout.length, bytesWritten: stdout.length, truncated: false, url: 'http://s3/k', inline: true, text: stdout },
          stderr: { key: 'e', size: 0, bytesWritten: 0, truncated: false, url: 'http://s3/e', inline: true, text: '' },
        },
      }));

      // Act
      const result = await session.call('get_job_logs', { id: ID, maxChars: 100 });

      // Assess
      const logs = (result.structuredContent as { stdout: { text: string; omittedChars: number } }).stdout;
      expect(logs.text.startsWith('line ')).toBe(true);
      expect(logs.text.endsWith('line 499')).toBe(true);
      expect(logs.text.length).toBeLessThanOrEqual(100);
      expect(logs.omittedChars).toBe(stdout.length - logs.text.length);
      expect(textOf(result)).toMatch(/^stdout \(\d+ bytes, last \d+ characters shown\):\nline \d+/);
      expect(textOf(result)).toContain('stderr: empty');
    });
  });

  describe('run_job', () => {
    it('with wait follows the run that already holds the period to its end, reporting progress', async () => {
      // Prepare
      api.route('POST /jobs', () => ({ status: 200, body: { job: job({ type: 'snapshot', period: '2026-W47', status: 'skipped', skippedFor: HOLDER }), existingJobId: HOLDER } }));
      api.route(`GET /jobs/${HOLDER}`, sequence({ status: 200, body: job({ id: HOLDER, type: 'snapshot', period: '2026-W47', status: 'running' }) }, { status: 200, body: job({ id: HOLDER, type: 'snapshot', period: '2026-W47', status: 'succeeded', durationMs: 1500 }) }));
      const progress: string[] = [];

      // Act
      const result = await session.call('run_job', { type: 'snapshot', period: '2026-W47', wait: true }, { onprogress: (note) => progress.push(note.message ?? '') });

      // Assess
      expect(JSON.parse(requestsTo('POST', '/jobs')[0]!.body)).toEqual({ type: 'snapshot', period: '2026-W47' });
      expect(textOf(result)).toBe(`snapshot 2026-W47 is already covered by run ${HOLDER} (force: true runs it again); recorded ${ID} as skipped\nsnapshot run ${HOLDER} ended succeeded in 1.5 s`);
      expect(result.structuredContent).toMatchObject({ job: { id: HOLDER, status: 'succeeded' }, submittedId: ID, existingJobId: HOLDER, waited: true, finished: true });
      expect(progress).toEqual([`run ${HOLDER} is running`, `run ${HOLDER} is succeeded`]);
    });

    it('with wait gives up after waitSeconds and says the run goes on', async () => {
      // Prepare
      await session.close();
      session = await connectInMemory(api.url); // the real clock: the wait is a real second
      api.route('POST /jobs', () => ({ status: 202, body: { job: job() } }));
      api.route(`GET /jobs/${ID}`, () => ({ status: 200, body: job({ status: 'running' }) }));

      // Act
      const result = await session.call('run_job', { type: 'sweeper', wait: true, waitSeconds: 1 });

      // Assess
      expect(result.isError).toBeFalsy();
      expect(textOf(result)).toContain(`run ${ID} is still running after 1 s of waiting; it goes on — follow it with get_job {"id": "${ID}"}`);
      expect(result.structuredContent).toMatchObject({ job: { status: 'running' }, waited: true, finished: false });
    });

    it("runs daily as the scheduler would: the previous period's snapshot", async () => {
      // Prepare
      api.route('POST /scheduler/trigger/daily', () => ({ status: 202, body: { job: job({ type: 'snapshot', period: '2026-11-22' }) } }));

      // Act
      const result = await session.call('run_job', { type: 'daily' });

      // Assess
      expect(textOf(result)).toBe(`started snapshot 2026-11-22: run ${ID} (queued)`);
      expect(result.structuredContent).toMatchObject({ submittedId: ID, waited: false, finished: false });
    });
  });

  describe('run_script', () => {
    it.each([
      ['run_script', { script: 'events-summary', args: { input: 'events/a', top: 99, topp: 1 } }, 'invalid arguments for script events-summary: args.top: Too big: expected number to be <=50; args: unknown argument "topp" (known: input, metric, top)'],
      ['run_script', { script: 'stats-report', args: {} }, 'invalid arguments for script stats-report: args.input: Invalid input: expected string, received undefined'],
      ['run_script', { script: 'nope', args: {} }, 'invalid arguments: script: no script "nope"; known: events-summary, stats-report'],
      ['run_script_events-summary', { input: '../x' }, 'invalid arguments for script events-summary: input: Invalid string: must match pattern'],
      ['run_script_events-summary', { input: 'events/a', wait: 'yes' }, 'invalid arguments: wait: Invalid input: expected boolean, received string'],
    ])('%s refuses %j, naming the problem, and starts nothing', async (tool, args, message) => {
      // Act
      const result = await session.call(tool, args);

      // Assess
      expect(result.isError).toBe(true);
      expect(textOf(result)).toContain(message);
      expect(requestsTo('POST', '/jobs')).toEqual([]);
    });

    it('with wait returns the outcome: status, exit code, artifacts and the ends of stdout and stderr', async () => {
      // Prepare
      const done = job({ type: 'script-run', status: 'succeeded', exitCode: 0, durationMs: 800, artifacts: [{ name: 'summary.json', key: `scripts/${ID}/output/summary.json`, size: 10, contentType: 'application/json', url: 'http://s3/s' }] });
      api.route('POST /jobs', () => ({ status: 202, body: { job: job({ type: 'script-run' }) } }));
      api.route(`GET /jobs/${ID}`, sequence({ status: 200, body: job({ type: 'script-run', status: 'running' }) }, { status: 200, body: done }));
      api.route(`GET /jobs/${ID}/logs`, () => ({
        status: 200,
        body: { jobId: ID, type: 'script-run', status: 'succeeded', available: true, stdout: { key: 'o', size: 6, bytesWritten: 6, truncated: false, url: 'http://s3/o', inline: true, text: 'done.\n' }, stderr: null },
      }));

      // Act
      const result = await session.call('run_script', { script: 'events-summary', args: { input: 'events/a.ndjson.gz', top: 3 }, timeoutMs: 60_000, wait: true });

      // Assess
      expect(JSON.parse(requestsTo('POST', '/jobs')[0]!.body)).toEqual({ type: 'script-run', params: { script: 'events-summary', args: { input: 'events/a.ndjson.gz', top: 3 }, timeoutMs: 60_000 } });
      expect(textOf(result)).toBe(`script-run run ${ID} ended succeeded in 800 ms (exit code 0)\nartifacts: summary.json (get_job has download links)\n\nstdout (6 bytes):\ndone.\n\nstderr: none`);
      expect(result.structuredContent).toMatchObject({ script: 'events-summary', finished: true, job: { status: 'succeeded', exitCode: 0 }, logs: { available: true, stdout: { text: 'done.\n', omittedChars: 0 }, stderr: null } });
    });

    it("a script's own tool takes its arguments at the top level and sends them apart from the run controls", async () => {
      // Prepare
      api.route('POST /jobs', () => ({ status: 202, body: { job: job({ type: 'script-run' }) } }));

      // Act
      const result = await session.call('run_script_stats-report', { input: 'scripts/01K/output/groups.csv', title: 'Week', timeoutMs: 5_000, wait: false });

      // Assess
      expect(JSON.parse(requestsTo('POST', '/jobs')[0]!.body)).toEqual({ type: 'script-run', params: { script: 'stats-report', args: { input: 'scripts/01K/output/groups.csv', title: 'Week' }, timeoutMs: 5_000 } });
      expect(textOf(result)).toBe(`started stats-report: run ${ID} (queued); follow it with get_job, or call with wait: true`);
    });
  });

  describe('stats and proofs', () => {
    it('get_stats asks for the metric over the days, grouped, and stars a day not complete yet', async () => {
      // Prepare
      api.route('GET /stats', () => ({
        status: 200,
        body: { metric: 'revenue', timezone: 'America/Los_Angeles', items: [{ day: '2026-11-22', dims: { channel: 'web' }, count: 3, sum: 120, min: 40, max: 40, complete: false }], incompleteDays: ['2026-11-22'] },
      }));

      // Act
      const result = await session.call('get_stats', { metric: 'revenue', from: '2026-11-22', to: '2026-11-22', groupBy: 'channel' });

      // Assess
      expect(requestsTo('GET', '/stats')[0]!.query).toEqual({ metric: 'revenue', from: '2026-11-22', to: '2026-11-22', groupBy: 'channel' });
      expect(textOf(result)).toMatch(
        /^DAY\s+CHANNEL\s+COUNT\s+SUM\s+MIN\s+MAX\n2026-11-22\*\s+web\s+3\s+120\s+40\s+40\nrevenue, local days in America\/Los_Angeles\n\* not complete yet: 2026-11-22 \(accepted events still being rolled up\)$/,
      );
    });

    it('get_proof without a date shows the newest proven day of the last 366 days', async () => {
      // Prepare
      const entry = (date: string) => ({ date, status: 'pass', exitCode: 0, generatedAt: 'x', key: 'k', jobId: ID, summary: { pass: 1, warn: 0, critical: 0, skipped: 0, total: 1 }, criticalMetrics: [] });
      api.route('GET /proofs', () => ({ status: 200, body: { items: [entry('2026-11-20'), entry('2026-11-22'), entry('2026-11-21')] } }));
      api.route('GET /proofs/2026-11-22', () => ({
        status: 200,
        body: { schema: 's', date: '2026-11-22', timezone: 'America/Los_Angeles', generatedAt: '2026-11-23T09:00:00.000Z', configHash: 'h', status: 'pass', exitCode: 0, summary: { pass: 1, warn: 0, critical: 0, skipped: 0, total: 1 }, checks: [], anomalies: [] },
      }));

      // Act
      const result = await session.call('get_proof');

      // Assess
      expect(requestsTo('GET', '/proofs')[0]!.query).toEqual({ from: '2025-11-24', to: '2026-11-24' });
      expect(textOf(result)).toMatch(/^date\s+2026-11-22 \(America\/Los_Angeles\)\nstatus\s+pass \(exit code 0\)/);
      expect(result.structuredContent).toMatchObject({ date: '2026-11-22', status: 'pass' });
    });

    it('explain_proof names what explains each check that warned or went critical', async () => {
      // Prepare
      const contributor = { segment: 'channel=app', dims: { channel: 'app' }, observed: 4, expected: 100, change: -0.96, share: 0.98, hours: ['11:00–20:00'], where: 'in every store', message: 'channel=app: −96% in every store, 11:00–20:00; explains 98% of the drop' };
      const check = { id: 'trend:sessions', kind: 'trend', metric: 'sessions', status: 'critical', reason: 'critical_z', message: 'z -9.079, -18.2%', observed: 1665, expected: null, score: -9, parameters: {}, attribution: { direction: 'drop', deviation: -370, contributors: [contributor] } };
      api.route('GET /proofs/2026-11-19', () => ({
        status: 200,
        body: { schema: 's', date: '2026-11-19', timezone: 'America/Los_Angeles', generatedAt: '2026-11-20T11:15:00.000Z', configHash: 'h', status: 'critical', exitCode: 2, summary: { pass: 0, warn: 0, critical: 1, skipped: 0, total: 1 }, checks: [check], anomalies: [] },
      }));

      // Act
      const result = await session.call('explain_proof', { date: '2026-11-19' });

      // Assess
      expect(textOf(result)).toBe('2026-11-19: critical\ncritical trend:sessions: z -9.079, -18.2%\nexplained by\n  trend:sessions  channel=app: −96% in every store, 11:00–20:00; explains 98% of the drop');
      expect(result.structuredContent).toMatchObject({ date: '2026-11-19', checks: [{ checkId: 'trend:sessions', contributors: [{ segment: 'channel=app', share: 0.98 }] }] });
    });

    it('get_proof without a date and no proofs says how to make one', async () => {
      // Prepare
      api.route('GET /proofs', () => ({ status: 200, body: { items: [] } }));

      // Act
      const result = await session.call('get_proof', {});

      // Assess
      expect(result.isError).toBe(true);
      expect(textOf(result)).toBe('no sampling proof from 2025-11-24 to 2026-11-24; run_job {"type":"sampling-proof","period":"<a day>"} makes one');
    });
  });

  describe('failures of the API itself', () => {
    it('an API that is not there: the server still starts, and every call says so', async () => {
      // Prepare: a port nobody listens on any more.
      await session.close();
      const gone = await new FakeApi().start();
      await gone.stop();
      session = await connectInMemory(gone.url);

      // Act
      const { tools } = await session.client.listTools();
      const result = await session.call('list_scripts');

      // Assess
      expect(tools.map((tool) => tool.name)).toContain('run_script');
      expect(session.log[0]).toMatch(/^nightshift mcp: could not read the script whitelist \(GET http:\/\/127\.0\.0\.1:\d+\/scripts: connection refused/);
      expect(result.isError).toBe(true);
      expect(textOf(result)).toMatch(/^GET http:\/\/127\.0\.0\.1:\d+\/scripts: connection refused \(is the API running\?/);
    });

    it('a 401 without a token tells how to give the server one', async () => {
      // Prepare
      await session.close();
      api.route('GET /scheduler/tasks', () => ({ status: 401, body: { error: { code: 'unauthorized', message: 'missing bearer token' } } }));
      session = await connectInMemory(api.url, { token: undefined });

      // Act
      const result = await session.call('list_schedules');

      // Assess
      expect(textOf(result)).toBe('missing bearer token (HTTP 401 unauthorized) — the MCP server has no token: set NIGHTSHIFT_TOKEN in its environment or pass --token');
    });

    it('an unknown tool is a tool error listing the tools', async () => {
      // Act
      const result = await session.call('delete_everything');

      // Assess
      expect(result.isError).toBe(true);
      expect(textOf(result)).toMatch(/^unknown tool "delete_everything"; this server has list_jobs, get_job, /);
    });
  });
});
