import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { previousPeriod } from '../../../functions/core/time/periods';
import { TEST_TOKENS, testApi, type TestApi } from '../../helpers/api';
import { HandlerInvoker } from '../../helpers/invokers';
import { testDependencies } from '../../helpers/jobs';
import { snapshotConfig } from '../../helpers/snapshot-bed';
import { createTestStorage, type TestStorage } from '../../helpers/storage';

const config = snapshotConfig();
const options = { timezone: config.timezone, weekStartsOn: config.weekStartsOn };
const admin = TEST_TOKENS.admin;

describe('snapshot routes: scheduler trigger, backfill, listing', () => {
  let storage: TestStorage;
  let api: TestApi;
  const invoker = new HandlerInvoker(['snapshot']);

  beforeAll(async () => {
    storage = await createTestStorage('snapshot-routes');
    api = testApi(storage, config, { invoker });
    invoker.serve(api.runtime);
  });

  afterAll(async () => {
    await storage.destroy();
  });

  it('POST /scheduler/trigger/{daily|weekly|monthly} runs the snapshot of the previous period; a repeat points at it', async () => {
    // Act
    const now = new Date();
    const answers = await Promise.all(['daily', 'weekly', 'monthly'].map((kind) => api.call('POST', `/scheduler/trigger/${kind}`, { token: admin, pathParameters: { type: kind } })));
    await invoker.settle();
    const repeat = await api.call('POST', '/scheduler/trigger/daily', { token: admin, pathParameters: { type: 'daily' } });

    // Assess
    expect(answers.map((answer) => answer.status)).toEqual([202, 202, 202]);
    expect(answers.map((answer) => answer.body.job.period)).toEqual([
      previousPeriod('day', now, options).key,
      previousPeriod('week', now, options).key,
      previousPeriod('month', now, options).key,
    ]);
    expect(answers.map((answer) => answer.body.job.triggeredBy)).toEqual(['admin', 'admin', 'admin']);
    const finished = await Promise.all(answers.map((answer) => testDependencies(storage, { config }).ledger.get(answer.body.job.id)));
    // No events at all: sums are 0 and averages undefined, so each ends warning with its errors listed.
    expect(finished.map((job) => job?.status)).toEqual(['warning', 'warning', 'warning']);
    expect(finished[1]?.artifacts[0]?.key).toBe(`snapshots/weekly/${previousPeriod('week', now, options).key}.json`);
    expect(repeat.status).toBe(200);
    expect(repeat.body.existingJobId).toBe(answers[0]!.body.job.id);
  });

  it('answers 400 listing the valid names for anything else, and 403 to a read token', async () => {
    // Act
    const hourly = await api.call('POST', '/scheduler/trigger/hourly', { token: admin, pathParameters: { type: 'hourly' } });
    const reader = await api.call('POST', '/scheduler/trigger/daily', { token: TEST_TOKENS.read, pathParameters: { type: 'daily' } });
    const badBody = await api.call('POST', '/scheduler/trigger/daily', { token: admin, pathParameters: { type: 'daily' }, body: { force: 'yes' } });

    // Assess
    expect(hourly.status).toBe(400);
    expect(hourly.body.error.message).toBe('"hourly" is not something to trigger; valid: daily, weekly, monthly, sweeper, rollup, snapshot, script-run, export, sampling-proof');
    expect(reader.status).toBe(403);
    expect(badBody.status).toBe(400);
    expect(badBody.body.error.message).toContain('body.force');
  });

  it('POST /jobs/backfill runs each missing period once, skips done ones, and re-runs them when asked', async () => {
    // Act
    const first = await api.call('POST', '/jobs/backfill', { token: admin, body: { type: 'snapshot', from: '2026-11-02', to: '2026-11-04' } });
    await invoker.settle();
    const second = await api.call('POST', '/jobs/backfill', { token: admin, body: { type: 'snapshot', from: '2026-11-01', to: '2026-11-05', onlyMissing: true } });
    await invoker.settle();
    const forced = await api.call('POST', '/jobs/backfill', { token: admin, body: { type: 'snapshot', from: '2026-11-04', to: '2026-11-05', onlyMissing: false } });
    await invoker.settle();

    // Assess
    expect(first.status).toBe(202);
    expect(first.body).toMatchObject({ type: 'snapshot', periodType: 'day', from: '2026-11-02', to: '2026-11-04', periods: 3, skipped: [] });
    expect(first.body.queued.map((run: { period: string }) => run.period)).toEqual(['2026-11-02', '2026-11-03', '2026-11-04']);
    expect(second.body.queued.map((run: { period: string }) => run.period)).toEqual(['2026-11-01', '2026-11-05']);
    expect(second.body.skipped).toEqual(first.body.queued.map((run: { period: string; jobId: string }) => ({ ...run, reason: 'done' })));
    expect(forced.body.queued.map((run: { period: string }) => run.period)).toEqual(['2026-11-04', '2026-11-05']);
    const rerun = await testDependencies(storage, { config }).ledger.get(forced.body.queued[0].jobId);
    const firstOfNov4 = first.body.queued.find((run: { period: string }) => run.period === '2026-11-04').jobId;
    expect(rerun).toMatchObject({ trigger: 'backfill', force: true, status: 'warning', period: '2026-11-04', replaces: firstOfNov4 });
  });

  it('POST /jobs/backfill refuses ranges it cannot run, naming why', async () => {
    // Act
    const tooLong = await api.call('POST', '/jobs/backfill', { token: admin, body: { type: 'snapshot', from: '2025-01-01', to: '2026-06-30' } });
    const mixed = await api.call('POST', '/jobs/backfill', { token: admin, body: { type: 'snapshot', from: '2026-W40', to: '2026-11' } });
    const backwards = await api.call('POST', '/jobs/backfill', { token: admin, body: { type: 'snapshot', from: '2026-11', to: '2026-09' } });
    const notPeriodic = await api.call('POST', '/jobs/backfill', { token: admin, body: { type: 'rollup', from: '2026-11-01', to: '2026-11-02' } });
    const unknownField = await api.call('POST', '/jobs/backfill', { token: admin, body: { type: 'snapshot', from: '2026-11-01', to: '2026-11-02', only: true } });
    const today = previousPeriod('day', new Date(Date.now() + 86_400_000), options).key;
    const unended = await api.call('POST', '/jobs/backfill', { token: admin, body: { type: 'snapshot', from: '2026-11-06', to: today } });
    const unendedRun = await api.call('POST', '/jobs', { token: admin, body: { type: 'snapshot', period: today } });
    const runs = await testDependencies(storage, { config }).ledger.periodStates('snapshot', ['2026-11-06', today]);

    // Assess
    expect([tooLong.status, mixed.status, backwards.status, notPeriodic.status, unknownField.status]).toEqual([400, 400, 400, 400, 400]);
    expect(tooLong.body.error.message).toContain('more than 400 day periods');
    expect(mixed.body.error.message).toContain('"2026-11" is a month, expected a week key');
    expect(backwards.body.error.message).toContain('backwards');
    expect(notPeriodic.body.error.message).toContain('rollup runs do not cover periods');
    expect(unknownField.body.error.message).toContain('unknown field(s) only');
    // Today has not ended: a run now would claim it half done and keep tonight's run from covering it.
    expect([unended.status, unendedRun.status]).toEqual([400, 400]);
    expect(unended.body.error.message).toContain(`period ${today} has not ended yet`);
    expect(unendedRun.body.error.message).toContain(`period ${today} has not ended yet`);
    expect(runs.size).toBe(0);
  });

  it('GET /snapshots lists items per scope with artifact links, by kind and range or by one period', async () => {
    // Act
    const range = await api.call('GET', '/snapshots', { token: TEST_TOKENS.read, query: { period: 'daily', from: '2026-11-01', to: '2026-11-05' } });
    const one = await api.call('GET', '/snapshots', { token: TEST_TOKENS.read, query: { period: '2026-11-03', scope: 'overall' } });
    const bad = await api.call('GET', '/snapshots', { token: TEST_TOKENS.read, query: { period: 'hourly' } });
    const anonymous = await api.call('GET', '/snapshots');

    // Assess
    expect(range.status).toBe(200);
    expect(range.body.items.map((item: { period: string }) => item.period)).toEqual(['2026-11-01', '2026-11-02', '2026-11-03', '2026-11-04', '2026-11-05']);
    expect(one.body.items).toHaveLength(1);
    expect(one.body.items[0]).toMatchObject({ period: '2026-11-03', scope: 'overall', values: { revenue: 0, orders: 0, average_revenue: null }, artifactKey: 'snapshots/daily/2026-11-03.json' });
    const download = await fetch(one.body.items[0].artifactUrl);
    expect(download.status).toBe(200);
    expect(((await download.json()) as { period: string }).period).toBe('2026-11-03');
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toContain('neither daily, weekly, monthly nor a period key');
    expect(anonymous.status).toBe(401);
  });
});
