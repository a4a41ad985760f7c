import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryStats } from '../../../functions/jobs/rollup/query-stats';
import { FakeClock } from '../../helpers/clock';
import { rollupBed, rollupConfig, runRollupJob, scanAnalytics, storedDailyStats } from '../../helpers/rollup-bed';
import { seededRandom } from '../../helpers/rollup-events';
import { createTestStorage, type TestStorage } from '../../helpers/storage';

const NOW = '2026-11-23T20:00:00Z';
const line = (event: Record<string, unknown>): string => JSON.stringify(event);

describe('rollup: objects from other pipelines', () => {
  let storage: TestStorage;

  beforeAll(async () => {
    storage = await createTestStorage('rollup-foreign');
  });

  afterAll(async () => {
    await storage.destroy();
  });

  it('counts malformed lines and unknown metrics in the summary without failing, and drops dims not in config', async () => {
    // Prepare: a plain NDJSON object (no gzip, CRLF, blank lines) and a whole gzip one.
    const bed = rollupBed(storage, { clock: new FakeClock(NOW) });
    const plain = [
      line({ metric: 'revenue', ts: '2026-11-23T18:00:00Z', value: 10, dims: { store: 's1', device: 'ios', campaign: 'x' } }),
      '',
      '{"metric":"revenue","ts":"2026-11-23T18:00:00Z","value":',
      line({ metric: 'revenue', ts: '2026-11-23T18:00:00', value: 1 }),
      line({ metric: 'revenue', ts: '2026-11-23T18:00:00Z', value: 'ten' }),
      '{"metric":"revenue","ts":"2026-11-23T18:00:00Z","value":1e999}',
      line({ metric: 'revenue', ts: '2026-11-23T18:00:00Z', dims: { store: 7 } }),
      line({ metric: 'clicks', ts: '2026-11-23T18:00:00Z' }),
      line({ metric: 'revenue', ts: '2026-11-23T18:05:00-08:00', value: 2.5, dims: { store: 's1' } }),
      '   ',
    ].join('\r\n');
    await storage.artifactStore.put('events/dt=2026-11-23/hour=18/other-pipeline.ndjson', plain, 'application/x-ndjson');
    const gzipped = gzipSync(Array.from({ length: 400 }, (_, i) => line({ metric: 'orders', ts: '2026-11-23T19:00:00Z', value: i })).join('\n'));
    await storage.artifactStore.put('events/dt=2026-11-23/hour=19/whole.gz', gzipped, 'application/gzip');

    // Act
    const run = await runRollupJob(bed);
    const rows = await storedDailyStats(storage);

    // Assess
    expect(run.status).toBe('succeeded');
    expect(run.summary).toMatchObject({ objectsRead: 2, malformedLines: 5, unknownMetricLines: 1, objectsFailed: 0, objectsRefused: 0 });
    expect(rows.get('revenue|2026-11-23|{"store":"s1"}')).toEqual({ count: 2, sum: 12.5, min: 2.5, max: 10 });
    expect([...rows.keys()].filter((key) => key.includes('device') || key.includes('campaign'))).toEqual([]);
    expect(rows.get('orders|2026-11-23|{}')?.count).toBe(400);
  });

  it('caps a metric-day at maxCardinalityPerMetricDay groups, overflow in __other__, with a warning', async () => {
    // Prepare: five stores with 5, 4, 3, 2, 1 sessions on 2026-11-21; the cap is 3.
    const config = rollupConfig({ rollup: { maxCardinalityPerMetricDay: 3, lookbackHours: 48, debounceMs: 5000 } });
    const bed = rollupBed(storage, { clock: new FakeClock(NOW), config });
    const lines = [5, 4, 3, 2, 1].flatMap((count, index) => Array.from({ length: count }, (_, i) => line({ metric: 'sessions', ts: '2026-11-21T20:00:00Z', value: i + 1, dims: { store: `cap${index}` } })));
    await storage.artifactStore.put('events/dt=2026-11-21/hour=20/many-stores.ndjson.gz', gzipSync(lines.join('\n')), 'application/x-ndjson');

    // Act
    const run = await runRollupJob(bed);
    const items = (await scanAnalytics(storage)).filter((item) => item['pk'] === 'stats#sessions#2026-11-21');
    const byStore = await queryStats({ config, stats: bed.store, backlog: bed.store }, { metric: 'sessions', from: '2026-11-21', to: '2026-11-21', groupBy: 'store' });
    const total = await queryStats({ config, stats: bed.store, backlog: bed.store }, { metric: 'sessions', from: '2026-11-21', to: '2026-11-21' });

    // Assess
    expect(run.status).toBe('warning');
    expect(run.summary).toMatchObject({ cardinalityWarnings: [{ metric: 'sessions', day: '2026-11-21', distinctGroups: 5, kept: 2 }], metricDaysOverCap: 1 });
    expect(items.map((item) => item['sk']).sort()).toEqual(['#meta', '__other__', 'store=cap0', 'store=cap1']);
    expect(items.find((item) => item['sk'] === '__other__')).toMatchObject({ dims: { __other__: 'true' }, count: 6, sum: 10, min: 1, max: 3, mergedGroups: 3 });
    expect(items.find((item) => item['sk'] === '#meta')).toMatchObject({ groups: 3, distinctGroups: 5, events: 15, hoursInDay: 24, hoursWithData: ['2026-11-21T12:00-08:00'] });
    expect(byStore.items.map((item) => [item.dims, item.count])).toEqual([
      [{ store: '__other__' }, 6],
      [{ store: 'cap0' }, 5],
      [{ store: 'cap1' }, 4],
    ]);
    expect(total.items).toEqual([{ day: '2026-11-21', dims: {}, count: 15, sum: 15 + 10 + 6 + 3 + 1, min: 1, max: 5, complete: true }]);
  });

  it('keeps groups too big for a DynamoDB item in the bucket, and still counts exactly', async () => {
    // Prepare: 30,000 distinct stores in one hour of one day; random names do not compress.
    const config = rollupConfig({ metrics: { page_views: {} }, rollup: { maxCardinalityPerMetricDay: 50, lookbackHours: 48, debounceMs: 5000 } });
    const bed = rollupBed(storage, { clock: new FakeClock(NOW), config });
    const random = seededRandom(61);
    const lines = Array.from({ length: 30_000 }, (_, i) => line({ metric: 'page_views', ts: '2026-11-22T21:00:00Z', value: i % 4, dims: { store: `${i}-${random().toString(36).slice(2, 14)}` } }));
    await storage.artifactStore.put('events/dt=2026-11-22/hour=21/wide.ndjson.gz', gzipSync(lines.join('\n')), 'application/x-ndjson');

    // Act
    const run = await runRollupJob(bed);
    const spilled: string[] = [];
    for await (const object of storage.artifactStore.list('rollup/')) spilled.push(object.key);
    const total = await queryStats({ config, stats: bed.store, backlog: bed.store }, { metric: 'page_views', from: '2026-11-22', to: '2026-11-22' });

    // Assess
    expect(run.summary).toMatchObject({ events: 30_000, metricDaysOverCap: 1 });
    expect(spilled.some((key) => key.startsWith('rollup/contributions/2026-11-22T21/'))).toBe(true);
    expect(spilled).toContain('rollup/partials/page_views/2026-11-22/2026-11-22T21.json.gz');
    expect(total.items).toEqual([{ day: '2026-11-22', dims: {}, count: 30_000, sum: 45_000, min: 0, max: 3, complete: true }]);
  });
});
