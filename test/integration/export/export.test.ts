import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { catalogEntry, scheduledTasks } from '../../../functions/catalog';
import type { NightshiftConfig } from '../../../functions/core/config';
import type { JobDependencies } from '../../../functions/core/jobs/definition';
import { InvalidJobParamsError } from '../../../functions/core/jobs/errors';
import { handleInvocation } from '../../../functions/core/jobs/handle-invocation';
import { submitRun } from '../../../functions/core/jobs/submit-run';
import type { RollupStore } from '../../../functions/core/rollup/ports';
import { FakeClock } from '../../helpers/clock';
import { expectedExport, exportJobOver, readExport, runExport } from '../../helpers/export-bed';
import { testDependencies } from '../../helpers/jobs';
import { ROLLUP_METRICS, rollupBed, rollupConfig, runRollupJob } from '../../helpers/rollup-bed';
import { expectedDailyStats, generateEvents, writeEventObjects, type ExpectedTotals } from '../../helpers/rollup-events';
import { createTestStorage, type TestStorage } from '../../helpers/storage';

const TIMEZONE = 'America/Los_Angeles';
/** ISO week 2026-W47, Monday to Sunday, and the Monday after it. */
const WEEK = ['2026-11-16', '2026-11-17', '2026-11-18', '2026-11-19', '2026-11-20', '2026-11-21', '2026-11-22'];
const EXTRA_DAY = '2026-11-23';
const METRICS = [...ROLLUP_METRICS].sort();

describe('export job', () => {
  let storage: TestStorage;
  let config: NightshiftConfig;
  let store: RollupStore;
  let expected: Map<string, ExpectedTotals>;

  beforeAll(async () => {
    storage = await createTestStorage('export');
    config = rollupConfig({
      ratios: { conversion_rate: { numerator: 'orders', denominator: 'sessions' } },
      schedules: { 'export-weekly': { job: 'export', expression: 'cron(0 4 ? * MON *)', period: 'previous-week', params: { groupBy: ['store'] } } },
    });
    const events = generateEvents(404, { days: [...WEEK, EXTRA_DAY], timezone: TIMEZONE, eventsPerDay: 120, metrics: ROLLUP_METRICS, stores: 3, channels: ['web', 'app'], aroundMidnight: 4 });
    await writeEventObjects(storage.artifactStore, events, { objectsPerHour: 1, seed: 404 });
    const bed = rollupBed(storage, { config, clock: new FakeClock('2026-11-24T20:00:00Z') });
    const rolled = await runRollupJob(bed, { from: WEEK[0], to: EXTRA_DAY });
    expect(rolled.status).toBe('succeeded');
    store = bed.store;
    expected = expectedDailyStats(events, TIMEZONE, config.dimensions);
  });

  afterAll(async () => {
    await storage.destroy();
  });

  const deps = (clock = new FakeClock('2026-11-25T10:00:00Z')): JobDependencies & { clock: FakeClock } => testDependencies(storage, { config, clock });

  it('exports CSV totals per day and metric that equal the events, and records artifact and summary', async () => {
    // Act
    const run = await runExport(deps(), store, { from: '2026-11-17', to: '2026-11-21' });

    // Assess
    expect(run.status).toBe('succeeded');
    const key = String(run.summary?.['key']);
    expect(key).toMatch(/^exports\/metrics-daily-stats-[0-9a-f]{8}-20261121\.csv$/);
    const rows = await readExport(storage.artifactStore, key, []);
    expect(rows).toEqual(expectedExport(expected, { days: WEEK.slice(1, 6), metrics: METRICS, groupBy: [] }));
    expect(rows).toHaveLength(5 * METRICS.length);
    const size = Buffer.byteLength(await storage.artifactStore.getText(key));
    expect(run.artifacts).toEqual([{ name: key.slice('exports/'.length), key, size, contentType: 'text/csv; charset=utf-8' }]);
    // Each day it covers with its proof status (none proven here): what the gate judged.
    const unproven = Object.fromEntries(WEEK.slice(1, 6).map((day) => [day, 'unproven']));
    expect(run.summary).toEqual({ rows: rows.length, bytes: size, key, from: '2026-11-17', to: '2026-11-21', days: 5, format: 'csv', source: 'stats', metrics: METRICS, groupBy: [], proofs: unproven });
  });

  it('groups by the kept dimensions asked for, in CSV and JSON, with absent values as empty cells', async () => {
    // Act
    const byBoth = await runExport(deps(), store, { from: WEEK[0], to: WEEK[6], format: 'json', metrics: ['revenue', 'orders'], groupBy: ['store', 'channel'] });
    const byChannel = await runExport(deps(), store, { from: WEEK[0], to: WEEK[6], metrics: ['sessions'], groupBy: ['channel'] });

    // Assess
    expect(byBoth.artifacts[0]?.contentType).toBe('application/json');
    const both = await readExport(storage.artifactStore, String(byBoth.summary?.['key']), ['store', 'channel']);
    expect(both).toEqual(expectedExport(expected, { days: WEEK, metrics: ['revenue', 'orders'], groupBy: ['store', 'channel'] }));
    const channel = await readExport(storage.artifactStore, String(byChannel.summary?.['key']), ['channel']);
    expect(channel).toEqual(expectedExport(expected, { days: WEEK, metrics: ['sessions'], groupBy: ['channel'] }));
    expect(channel.some((row) => row.dims['channel'] === undefined)).toBe(true);
    expect(byChannel.summary?.['rows']).toBe(channel.length);
  });

  it('replaces the object when the same export runs again, and keeps a different export apart', async () => {
    // Prepare
    const params = { from: WEEK[0], to: WEEK[2], metrics: ['orders'] };

    // Act
    const first = await runExport(deps(), store, params);
    const again = await runExport(deps(), store, params);
    const other = await runExport(deps(), store, { ...params, groupBy: ['store'] });

    // Assess
    expect(again.summary?.['key']).toBe(first.summary?.['key']);
    expect(other.summary?.['key']).not.toBe(first.summary?.['key']);
    const listed = [];
    for await (const object of storage.artifactStore.list('exports/metrics-daily-stats-')) if (object.key.endsWith('-20261118.csv')) listed.push(object.key);
    expect(listed.sort()).toEqual([first.summary?.['key'], other.summary?.['key']].sort());
  });

  it('a scheduled run exports the previous week of its slot, once per week', async () => {
    // Prepare: the event the scheduler sends for Monday 2026-11-23 04:00 in Los Angeles, delivered a day late.
    const [task] = scheduledTasks(config);
    const event = { type: 'export', trigger: 'schedule', scheduleName: task?.name, scheduledFor: '2026-11-23T12:00:00Z', params: task?.params };
    const d = deps(new FakeClock('2026-11-24T12:30:00Z'));
    const job = exportJobOver(store);

    // Act
    const first = await handleInvocation(job, event, d, { remainingMs: 900_000, marginMs: 5_000 });
    const second = await handleInvocation(job, event, d, { remainingMs: 900_000, marginMs: 5_000 });

    // Assess
    expect(first.outcome).toBe('ran');
    if (first.outcome !== 'ran') return;
    expect(first.job).toMatchObject({ status: 'succeeded', period: '2026-W47', trigger: 'schedule' });
    expect(first.job.summary).toMatchObject({ from: WEEK[0], to: WEEK[6], days: 7, groupBy: ['store'] });
    const rows = await readExport(storage.artifactStore, String(first.job.summary?.['key']), ['store']);
    expect(rows).toEqual(expectedExport(expected, { days: WEEK, metrics: METRICS, groupBy: ['store'] }));
    expect(second).toMatchObject({ outcome: 'skipped', existingJobId: first.job.id });
  });

  it('is submitted on demand with from/to and no period, or with a day, week or month period', async () => {
    // Prepare
    const d = deps();
    const entry = catalogEntry('export');

    // Act
    const onDemand = await submitRun(d, { entry, trigger: 'api', triggeredBy: 'test', params: { from: WEEK[0], to: WEEK[1] } });
    const forWeek = await submitRun(d, { entry, trigger: 'api', triggeredBy: 'test', params: {}, period: '2026-W46' });
    const forDay = await submitRun(d, { entry, trigger: 'api', triggeredBy: 'test', params: {}, period: '2026-11-08' });
    const forMonth = await submitRun(d, { entry, trigger: 'api', triggeredBy: 'test', params: {}, period: '2026-10' });

    // Assess
    expect(onDemand.outcome).toBe('queued');
    expect(onDemand.job.period).toBeUndefined();
    expect(onDemand.job.params).toEqual({ from: WEEK[0], to: WEEK[1], format: 'csv', source: 'stats' });
    expect(forWeek.job.period).toBe('2026-W46');
    expect([forDay.job.period, forMonth.job.period]).toEqual(['2026-11-08', '2026-10']);
  });

  it.each([
    [{ from: WEEK[0], to: WEEK[1], metrics: ['visits'] }, undefined, 'unknown metric "visits" (configured: orders, revenue, sessions)'],
    [{ from: WEEK[0], to: WEEK[1], metrics: ['conversion_rate'] }, undefined, 'is a ratio'],
    [{ from: WEEK[0], to: WEEK[1], groupBy: ['device'] }, undefined, 'unknown dimension "device" (configured: store, channel)'],
    [{ from: WEEK[1], to: WEEK[0] }, undefined, 'is after to'],
    [{}, undefined, 'params.from and params.to are required'],
    [{ from: WEEK[0], to: WEEK[1] }, '2026-W47', 'either a period'],
    [{}, '2099-11', 'period 2099-11 has not ended yet'],
  ])('refuses %j (period %s) before recording anything', async (params, period, message) => {
    // Prepare
    const d = deps();
    const before = await d.ledger.list({ type: 'export', limit: 100 });

    // Act
    const submitting = submitRun(d, { entry: catalogEntry('export'), trigger: 'api', triggeredBy: 'test', params, ...(period ? { period } : {}) });

    // Assess
    await expect(submitting).rejects.toThrow(InvalidJobParamsError);
    await expect(submitting).rejects.toThrow(message);
    expect((await d.ledger.list({ type: 'export', limit: 100 })).items).toHaveLength(before.items.length);
  });
});
