import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_TOKENS, testCloud, type TestApi, type ApiAnswer } from '../../helpers/api';
import { scriptTestConfig } from '../../helpers/scripts';
import { createTestStorage, type TestStorage } from '../../helpers/storage';

const admin = TEST_TOKENS.admin;
const read = TEST_TOKENS.read;
const EVENTS_KEY = 'events/dt=2026-11-20/hour=18/01TESTSCRIPTSAPI000000000.ndjson.gz';

describe('script runs through the API (shipped scripts)', () => {
  let storage: TestStorage;
  let api: TestApi;

  beforeAll(async () => {
    storage = await createTestStorage('scripts-api');
    api = testCloud(storage, scriptTestConfig());
    const lines = [
      { metric: 'revenue', ts: '2026-11-20T18:05:00Z', value: 40, dims: { store: 's01', channel: 'web' } },
      { metric: 'revenue', ts: '2026-11-20T18:10:00Z', value: 10, dims: { store: 's02', channel: 'web' } },
      { metric: 'orders', ts: '2026-11-20T18:10:00Z', value: 1, dims: { store: 's02', channel: 'web' } },
    ];
    await storage.artifactStore.put(EVENTS_KEY, gzipSync(lines.map((l) => JSON.stringify(l)).join('\n') + '\n'), 'application/gzip');
  });

  afterAll(async () => {
    await storage.destroy();
  });

  const submit = (params: unknown): Promise<ApiAnswer> => api.call('POST', '/jobs', { token: admin, body: { type: 'script-run', params } });

  it('GET /scripts lists the whitelist with JSON Schema arguments (scope read)', async () => {
    // Act
    const answer = await api.call('GET', '/scripts', { token: read });
    const anonymous = await api.call('GET', '/scripts');

    // Assess
    expect(anonymous.status).toBe(401);
    expect(answer.status).toBe(200);
    expect(answer.body.scripts.map((s: { name: string }) => s.name)).toEqual(['events-summary', 'stats-report']);
    const report = answer.body.scripts[1];
    expect(report).toMatchObject({ interpreter: 'python3', timeoutMs: 300000, memoryMb: 1024 });
    expect(report.args).toMatchObject({
      type: 'object',
      additionalProperties: false,
      required: ['input'],
      properties: { top: { type: 'integer', minimum: 1, maximum: 20, default: 5 }, title: { type: 'string', maxLength: 120 } },
    });
    expect(answer.body.maxConcurrency).toBe(5);
  });

  it.each([
    ['an unknown name', { script: 'rm', args: {} }, /params\.script: unknown script "rm" \(known: events-summary, stats-report\)/],
    ['a path', { script: '../layers/scripts/events-summary', args: { input: EVENTS_KEY } }, /unknown script "\.\.\/layers/],
    ['a file name', { script: 'stats_report.py', args: { input: EVENTS_KEY } }, /unknown script/],
    ['a pattern', { script: 'events-*', args: { input: EVENTS_KEY } }, /unknown script/],
    ['a missing required argument', { script: 'events-summary', args: {} }, /events-summary args\.input/],
    ['an integer out of range', { script: 'events-summary', args: { input: EVENTS_KEY, top: 51 } }, /args\.top: Too big/],
    ['a string breaking its pattern', { script: 'events-summary', args: { input: EVENTS_KEY, metric: 'Revenue; rm' } }, /args\.metric: must match/],
    ['an unknown argument', { script: 'events-summary', args: { input: EVENTS_KEY, shell: true } }, /Unrecognized key: "shell"/],
    ['an input outside the data prefixes', { script: 'events-summary', args: { input: '../secrets' } }, /args\.input: must be an artifact key/],
    ['an input climbing out with ..', { script: 'events-summary', args: { input: 'exports/../../etc/passwd' } }, /args\.input: must be an artifact key/],
    ['a longer timeout than the script allows', { script: 'events-summary', args: { input: EVENTS_KEY }, timeoutMs: 10 * 3600_000 }, /params\.timeoutMs/],
  ])('POST /jobs refuses %s with 400 and records nothing', async (_what, params, reason) => {
    // Act
    const answer = await submit(params);

    // Assess
    expect(answer.status).toBe(400);
    expect(answer.body.error.message).toMatch(reason);
    const page = await api.runtime.deps.ledger.list({ limit: 5, type: 'script-run', status: 'queued' });
    expect(page.items).toEqual([]);
  });

  it('runs events-summary then stats-report on its output: queued → running → succeeded, logs and artifacts readable', async () => {
    // Act: the Node script over a raw event object.
    const submitted = await submit({ script: 'events-summary', args: { input: EVENTS_KEY, top: 3 } });
    expect(submitted.status).toBe(202);
    expect(submitted.body.job.status).toBe('queued');
    const summary = await waitForEnd(submitted.body.job.id);

    // Assess
    expect(summary.status).toBe('succeeded');
    const names = summary.artifacts.map((a: { name: string }) => a.name).sort();
    expect(names).toEqual(['output/groups.csv', 'output/summary.json', 'stderr.log', 'stdout.log']);
    const summaryJson = JSON.parse(await storage.artifactStore.getText(`scripts/${summary.id}/output/summary.json`));
    expect(summaryJson.metrics.revenue).toMatchObject({ count: 2, sum: 50, groups: 2 });
    const logs = await api.call('GET', `/jobs/${summary.id}/logs`, { token: read });
    expect(logs.status).toBe(200);
    expect(logs.body).toMatchObject({ available: true, status: 'succeeded', stdout: { inline: true, truncated: false }, stderr: { size: 0, text: '' } });
    expect(logs.body.stdout.text).toContain('events-summary: 3 lines, 0 invalid, 2 metrics');

    // Act: the Python script over the CSV the first run wrote.
    const report = await waitForEnd((await submit({ script: 'stats-report', args: { input: `scripts/${summary.id}/output/groups.csv`, title: 'Hour 18' } })).body.job.id);

    // Assess
    expect(report.status).toBe('succeeded');
    const markdown = await storage.artifactStore.getText(`scripts/${report.id}/output/report.md`);
    expect(markdown).toContain('# Hour 18');
    expect(markdown).toContain('| channel=web&store=s01 | 40 | 80.0% |');
    expect(report.summary.stdout.tail).toContain('revenue sum=50 over 1 day(s)');
  });

  it('GET /jobs/{id}/logs: 404 for an unknown run, available false for a run without logs', async () => {
    // Prepare
    const { deps } = api.runtime;
    const sweep = await deps.ledger.enqueue({
      id: '01KAAAAAAAAAAAAAAAAAAAAAAA', type: 'sweeper', trigger: 'api', params: {}, triggeredBy: 'test',
      createdAt: new Date().toISOString(), expiresAt: Math.floor(Date.now() / 1000) + 3600,
    });

    // Act
    const unknown = await api.call('GET', '/jobs/01KZZZZZZZZZZZZZZZZZZZZZZZ/logs', { token: read });
    const none = await api.call('GET', `/jobs/${sweep.id}/logs`, { token: read });

    // Assess
    expect(unknown.status).toBe(404);
    expect(none.status).toBe(200);
    expect(none.body).toMatchObject({ available: false, message: 'sweeper runs write no stdout/stderr logs; see the record\'s summary and error' });
  });

  async function waitForEnd(id: string): Promise<any> {
    for (let attempt = 0; attempt < 150; attempt++) {
      const answer = await api.call('GET', `/jobs/${id}`, { token: read });
      if (!['queued', 'running'].includes(answer.body.status)) return answer.body;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`run ${id} did not end within 15 s`);
  }
});
