import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeClock } from '../../helpers/clock';
import { rollupBed, runRollupJob, scanAnalytics, storedDailyStats, type RollupBed } from '../../helpers/rollup-bed';
import { eventLine, type GeneratedEvent } from '../../helpers/rollup-events';
import { createTestStorage, type TestStorage } from '../../helpers/storage';

const HOUR_MS = 3_600_000;
const NOW = Date.parse('2026-11-23T12:30:00Z');

/** One gzip NDJSON object of `count` orders (value 1 each) at `ms`, under its UTC hour. */
async function putOrders(storage: TestStorage, ms: number, count: number, name: string, store = 's1'): Promise<{ key: string; size: number }> {
  const ts = new Date(ms).toISOString();
  const events: GeneratedEvent[] = Array.from({ length: count }, () => ({ metric: 'orders', ts, value: 1, dims: { store } }));
  const key = `events/dt=${ts.slice(0, 10)}/hour=${ts.slice(11, 13)}/${name}.ndjson.gz`;
  return storage.artifactStore.put(key, gzipSync(events.map((event) => eventLine(event, () => 0.5)).join('\n')), 'application/x-ndjson');
}

/** Orders counted per local day for store s1. */
async function ordersByDay(storage: TestStorage): Promise<Record<string, number>> {
  const rows = await storedDailyStats(storage);
  const byDay: Record<string, number> = {};
  for (const [key, totals] of rows) {
    const [metric, day] = key.split('|');
    if (metric === 'orders' && day) byDay[day] = (byDay[day] ?? 0) + totals.count;
  }
  return byDay;
}

describe('rollup: incremental', () => {
  let storage: TestStorage;
  let bed: RollupBed;

  beforeAll(async () => {
    storage = await createTestStorage('rollup-incremental');
    bed = rollupBed(storage, { clock: new FakeClock(new Date(NOW)) });
  });

  afterAll(async () => {
    await storage.destroy();
  });

  it('reads only new objects, picks up late ones within the lookback, and older ones only when a range asks', async () => {
    // Prepare: now − 2 h is 02:30 local on 11-23; now − 30 h is 22:30 on 11-21; now − 60 h 16:30 on 11-20.
    const recent = await putOrders(storage, NOW - 2 * HOUR_MS, 5, 'recent');
    const first = await runRollupJob(bed);
    bed.deps.clock.advance(HOUR_MS);
    const late = await putOrders(storage, NOW - 30 * HOUR_MS, 3, 'late');
    const tooOld = await putOrders(storage, NOW - 60 * HOUR_MS, 7, 'too-old');

    // Act
    const second = await runRollupJob(bed);
    const afterSecond = await ordersByDay(storage);
    const third = await runRollupJob(bed, { from: new Date(NOW - 61 * HOUR_MS).toISOString(), to: new Date(NOW - 59 * HOUR_MS).toISOString() });
    const afterThird = await ordersByDay(storage);

    // Assess
    expect(first.summary).toMatchObject({ objectsRead: 1, bytesRead: recent.size, events: 5 });
    expect(second.summary).toMatchObject({ objectsRead: 1, objectsSkipped: 1, bytesRead: late.size, events: 3 });
    expect(afterSecond).toEqual({ '2026-11-23': 5, '2026-11-21': 3 });
    expect(third.summary).toMatchObject({ objectsRead: 1, bytesRead: tooOld.size, events: 7, range: { hours: 3 } });
    expect(afterThird).toEqual({ '2026-11-23': 5, '2026-11-21': 3, '2026-11-20': 7 });
  });

  it('changes nothing and reads nothing when run again with nothing new', async () => {
    // Prepare
    await putOrders(storage, NOW - 3 * HOUR_MS, 4, 'settled');
    await runRollupJob(bed);
    const before = await scanAnalytics(storage);
    bed.deps.clock.advance(HOUR_MS);

    // Act
    const again = await runRollupJob(bed);
    const after = await scanAnalytics(storage);

    // Assess
    expect(again.status).toBe('succeeded');
    expect(again.summary).toMatchObject({ objectsRead: 0, bytesRead: 0, events: 0, hoursRecomputed: 0, statsItemsWritten: 0, statsItemsDeleted: 0, daysTouched: [] });
    const byKey = (items: Record<string, unknown>[]) => new Map(items.map((item) => [`${String(item['pk'])}/${String(item['sk'])}`, item]));
    expect(byKey(after)).toEqual(byKey(before));
  });

  it('replaces the contribution of an object rewritten under the same key (new ETag) instead of adding it', async () => {
    // Prepare: now − 5 h is 23:30 local on 11-22.
    const ms = NOW - 5 * HOUR_MS;
    await putOrders(storage, ms, 6, 'rewritten', 's9');
    await runRollupJob(bed);
    await putOrders(storage, ms, 2, 'rewritten', 's9');

    // Act
    const rerun = await runRollupJob(bed);
    const rows = await storedDailyStats(storage);

    // Assess
    expect(rerun.summary).toMatchObject({ objectsRead: 1, events: 2 });
    expect(rows.get('orders|2026-11-22|{"store":"s9"}')).toEqual({ count: 2, sum: 2, min: 1, max: 1 });
  });

  it('removes a metric-day whose only object was rewritten into another day', async () => {
    // Prepare: first the object holds an order on 11-20 (local), then only one on 11-19.
    const key = 'events/dt=2026-11-21/hour=06/moved.ndjson';
    const put = (ts: string) => storage.artifactStore.put(key, `${JSON.stringify({ metric: 'sessions', ts, dims: { store: 'moved' } })}\n`, 'application/x-ndjson');
    await put('2026-11-21T06:30:00Z');
    await runRollupJob(bed, { from: '2026-11-19', to: '2026-11-20' });
    await put('2026-11-20T06:30:00Z');

    // Act
    await runRollupJob(bed, { from: '2026-11-19', to: '2026-11-20' });
    const rows = await storedDailyStats(storage);
    const items = await scanAnalytics(storage);

    // Assess
    expect(rows.get('sessions|2026-11-19|{"store":"moved"}')).toEqual({ count: 1, sum: 1, min: 1, max: 1 });
    expect(rows.has('sessions|2026-11-20|{"store":"moved"}')).toBe(false);
    expect(items.filter((item) => item['pk'] === 'stats#sessions#2026-11-20')).toEqual([]);
  });
});
