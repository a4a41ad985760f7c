import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SnapshotDocument } from '../../../functions/core/snapshots/document';
import { FakeClock } from '../../helpers/clock';
import { generateEvents, writeEventObjects, type GeneratedEvent } from '../../helpers/rollup-events';
import { expectedSnapshot, runSnapshot, snapshotBed, snapshotConfig, TEST_SNAPSHOT_METRICS, type SnapshotBed } from '../../helpers/snapshot-bed';
import { createTestStorage, type TestStorage } from '../../helpers/storage';

const TIMEZONE = 'America/Los_Angeles';
const WEEK_DAYS = ['2026-11-16', '2026-11-17', '2026-11-18', '2026-11-19', '2026-11-20', '2026-11-21', '2026-11-22'];
// Monday 03:30 local, right after the week 2026-W47 closed.
const NOW = new Date('2026-11-23T11:30:00Z');

function expectValuesClose(actual: Record<string, Record<string, number | null>>, expected: Record<string, Record<string, number | null>>): void {
  expect(Object.keys(actual).sort()).toEqual(Object.keys(expected).sort());
  for (const [scope, values] of Object.entries(expected)) {
    for (const [name, value] of Object.entries(values)) {
      const got = actual[scope]?.[name];
      if (value === null) expect(got, `${scope} ${name}`).toBeNull();
      else expect(got, `${scope} ${name}`).toBeCloseTo(value, 8);
    }
  }
}

describe('snapshot job', () => {
  let storage: TestStorage;
  let bed: SnapshotBed;
  let events: GeneratedEvent[];

  beforeAll(async () => {
    storage = await createTestStorage('snapshot-job');
    bed = snapshotBed(storage, { clock: new FakeClock(NOW) });
    // The week, a day either side (must not leak in), and events right around each local midnight.
    events = generateEvents(47, {
      days: ['2026-11-15', ...WEEK_DAYS, '2026-11-23'],
      timezone: TIMEZONE,
      eventsPerDay: 160,
      metrics: ['revenue', 'orders', 'sessions'],
      stores: 4,
      channels: ['web', 'app'],
      aroundMidnight: 6,
    });
    await writeEventObjects(storage.artifactStore, events, { objectsPerHour: 1 });
  });

  afterAll(async () => {
    await storage.destroy();
  });

  it('reports every scope of a week exactly as an independent computation, after rolling the week up itself', async () => {
    // Act: no rollup ran before; the snapshot brings the stats up to date on its own.
    const result = await runSnapshot(bed, '2026-W47');

    // Assess
    expect(result.outcome).toBe('ran');
    const job = result.job;
    expect(job.status).toBe('succeeded');
    const document = JSON.parse(await storage.artifactStore.getText('snapshots/weekly/2026-W47.json')) as SnapshotDocument;
    expectValuesClose(document.scopes, expectedSnapshot(events, TIMEZONE, WEEK_DAYS, TEST_SNAPSHOT_METRICS));
    expect(document.bounds).toEqual({
      firstDay: '2026-11-16',
      lastDay: '2026-11-22',
      startLocal: '2026-11-16T00:00:00.000-08:00',
      endLocal: '2026-11-23T00:00:00.000-08:00',
      startUtc: '2026-11-16T08:00:00.000Z',
      endUtc: '2026-11-23T08:00:00.000Z',
      hours: 168,
    });
    expect(document).toMatchObject({ schema: 'nightshift.snapshot/v1', periodType: 'weekly', period: '2026-W47', errors: [], jobId: job.id });
    expect(document.configHash).toMatch(/^sha256:[0-9a-f]{16}$/);
    expect(job.artifacts).toEqual([expect.objectContaining({ key: 'snapshots/weekly/2026-W47.json', contentType: 'application/json' })]);

    const page = await bed.snapshots.list({ periodType: 'weekly', from: '2026-11-16', to: '2026-11-16', limit: 100 });
    expect(page.items.map((item) => item.scope)).toEqual(['overall', 'store=s000', 'store=s001', 'store=s002', 'store=s003']);
    expect(page.items[0]).toMatchObject({ period: '2026-W47', periodStart: '2026-11-16', periodEnd: '2026-11-22', artifactKey: 'snapshots/weekly/2026-W47.json', jobId: job.id });
    expect(page.items[0]!.expiresAt).toBe(Date.parse('2026-11-23T08:00:00Z') / 1000 + 730 * 86_400);
  });

  it('replaces the item and the artifact when a period runs again, and pages through scopes', async () => {
    // Prepare
    const first = await runSnapshot(bed, '2026-11-20');
    bed.deps.clock.advance(60_000);

    // Act
    const again = await runSnapshot(bed, '2026-11-20', { force: true });
    const all = await bed.snapshots.list({ periodType: 'daily', from: '2026-11-20', to: '2026-11-20', limit: 100 });
    const firstPage = await bed.snapshots.list({ periodType: 'daily', from: '2026-11-01', to: '2026-11-30', limit: 2 });
    const secondPage = await bed.snapshots.list({ periodType: 'daily', from: '2026-11-01', to: '2026-11-30', limit: 100, cursor: firstPage.nextCursor! });
    const storeOnly = await bed.snapshots.list({ periodType: 'daily', from: '2026-11-01', to: '2026-11-30', limit: 100, scope: 'store=s002' });

    // Assess
    expect(first.job.status).toBe('succeeded');
    expect(again.job.status).toBe('succeeded');
    expect(again.job.id).not.toBe(first.job.id);
    expect(all.items).toHaveLength(5);
    expect(new Set(all.items.map((item) => item.jobId))).toEqual(new Set([again.job.id]));
    const document = JSON.parse(await storage.artifactStore.getText('snapshots/daily/2026-11-20.json')) as SnapshotDocument;
    expect(document.jobId).toBe(again.job.id);
    expect(firstPage.items.map((item) => item.scope)).toEqual(['overall', 'store=s000']);
    expect(secondPage.items.map((item) => item.scope)).toEqual(['store=s001', 'store=s002', 'store=s003']);
    expect(secondPage.nextCursor).toBeUndefined();
    expect(storeOnly.items.map((item) => [item.period, item.scope])).toEqual([['2026-11-20', 'store=s002']]);
  });

  it('10 concurrent runs of one period leave one item per scope and one successful run', async () => {
    // Act
    const results = await Promise.all(Array.from({ length: 10 }, () => runSnapshot(bed, '2026-11-21')));

    // Assess
    const ran = results.filter((result) => result.outcome === 'ran');
    const skipped = results.filter((result) => result.outcome === 'skipped');
    expect(ran).toHaveLength(1);
    expect(ran[0]!.job.status).toBe('succeeded');
    expect(skipped).toHaveLength(9);
    expect(new Set(skipped.map((result) => (result.outcome === 'skipped' ? result.existingJobId : '')))).toEqual(new Set([ran[0]!.job.id]));
    const items = await bed.snapshots.list({ periodType: 'daily', from: '2026-11-21', to: '2026-11-21', limit: 100 });
    expect(items.items).toHaveLength(5);
  });

  it('ends warning with errors for a zero denominator and a metric missing from config, and keeps the rest', async () => {
    // Prepare: nobody refunds on the demo's test data, and "gone" was removed from metrics.
    const config = snapshotConfig({
      revenue: { stat: 'sum', metric: 'revenue' },
      refunds_per_order: { stat: 'ratio', numerator: 'orders', denominator: 'refunds' },
      gone_total: { stat: 'sum', metric: 'gone' },
    });
    const warned = snapshotBed(storage, { config: { ...config, metrics: { ...config.metrics, refunds: {} } }, clock: new FakeClock(NOW) });

    // Act
    const result = await runSnapshot(warned, '2026-11-19');

    // Assess
    expect(result.job.status).toBe('warning');
    const document = JSON.parse(await storage.artifactStore.getText('snapshots/daily/2026-11-19.json')) as SnapshotDocument;
    const expected = expectedSnapshot(events, TIMEZONE, ['2026-11-19'], { revenue: { stat: 'sum', metric: 'revenue' } });
    expect(document.scopes['overall']!['revenue']).toBeCloseTo(expected['overall']!['revenue']!, 8);
    expect(document.scopes['overall']).toMatchObject({ refunds_per_order: null, gone_total: null });
    expect(document.errors).toContainEqual({ metric: 'gone_total', code: 'unknown_metric', message: 'names "gone", not a configured metric' });
    expect(document.errors).toContainEqual(expect.objectContaining({ metric: 'refunds_per_order', scope: 'overall', code: 'zero_denominator' }));
    expect(result.job.summary).toMatchObject({ errors: document.errors.length, scopes: 5 });
  });

  it('covers 23 hours on the spring-forward day and 25 on the fall-back day', async () => {
    // Act
    const spring = await runSnapshot(bed, '2026-03-08');
    const fall = await runSnapshot(bed, '2026-11-01');

    // Assess
    const springDoc = JSON.parse(await storage.artifactStore.getText('snapshots/daily/2026-03-08.json')) as SnapshotDocument;
    const fallDoc = JSON.parse(await storage.artifactStore.getText('snapshots/daily/2026-11-01.json')) as SnapshotDocument;
    expect(springDoc.bounds).toMatchObject({ hours: 23, startUtc: '2026-03-08T08:00:00.000Z', endUtc: '2026-03-09T07:00:00.000Z' });
    expect(fallDoc.bounds).toMatchObject({ hours: 25, startUtc: '2026-11-01T07:00:00.000Z', endUtc: '2026-11-02T08:00:00.000Z' });
    expect(spring.job.summary).toMatchObject({ hours: 23 });
    expect(fall.job.summary).toMatchObject({ hours: 25 });
  });
});
