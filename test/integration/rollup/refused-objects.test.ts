import { randomBytes } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeClock } from '../../helpers/clock';
import { rollupBed, rollupConfig, runRollupJob, storedDailyStats } from '../../helpers/rollup-bed';
import { seededRandom } from '../../helpers/rollup-events';
import { createTestStorage, type TestStorage } from '../../helpers/storage';

const NOW = '2026-11-23T20:00:00Z';
const HOUR = 'events/dt=2026-11-23/hour=18/';
const line = (value: number): string => JSON.stringify({ metric: 'orders', ts: '2026-11-23T18:10:00Z', value, dims: { store: 's1' } });
/** `count` orders of value 1..count, as NDJSON text. */
const orders = (count: number): string => Array.from({ length: count }, (_, i) => line(i + 1)).join('\n') + '\n';
const sumTo = (count: number): number => (count * (count + 1)) / 2;

describe('rollup: objects that cannot be read whole', () => {
  let storage: TestStorage;

  beforeAll(async () => {
    storage = await createTestStorage('rollup-refused');
  });

  afterAll(async () => {
    await storage.destroy();
  });

  it('counts nothing of a cut-short gzip, random bytes, a CSV or an object over the cap, names each in a warning, and keeps good neighbours', async () => {
    // Prepare: two good objects (gzip and plain NDJSON) and four bad ones in one hour.
    const config = rollupConfig({ rollup: { lookbackHours: 48, debounceMs: 5000, maxCardinalityPerMetricDay: 1000, maxObjectBytes: 64 * 1024 } });
    const bed = rollupBed(storage, { clock: new FakeClock(NOW), config });
    const whole = gzipSync(orders(400));
    const random = seededRandom(7);
    const noise = Buffer.from(Array.from({ length: 50_000 }, () => Math.floor(random() * 256)));
    await storage.artifactStore.put(`${HOUR}good.ndjson.gz`, gzipSync(orders(10)), 'application/gzip');
    await storage.artifactStore.put(`${HOUR}plain.ndjson`, orders(5), 'application/x-ndjson');
    await storage.artifactStore.put(`${HOUR}cut-short.ndjson.gz`, whole.subarray(0, Math.floor(whole.length / 2)), 'application/gzip');
    await storage.artifactStore.put(`${HOUR}noise.bin`, noise, 'application/octet-stream');
    await storage.artifactStore.put(`${HOUR}table.csv`, 'metric,ts,value\norders,2026-11-23T18:10:00Z,1\n', 'text/csv');
    await storage.artifactStore.put(`${HOUR}huge.ndjson`, orders(2_000), 'application/x-ndjson');

    // Act
    const run = await runRollupJob(bed);

    // Assess
    expect(run.status).toBe('warning');
    expect(run.summary).toMatchObject({ objectsRead: 2, objectsRefused: 4, events: 15, malformedLines: 0 });
    const refused = Object.fromEntries((run.summary?.['refusedObjects'] as Array<{ key: string; size: number; reason: string }>).map((o) => [o.key.slice(HOUR.length), o]));
    expect(Object.keys(refused).sort()).toEqual(['cut-short.ndjson.gz', 'huge.ndjson', 'noise.bin', 'table.csv']);
    expect(refused['cut-short.ndjson.gz']).toMatchObject({ size: Math.floor(whole.length / 2), reason: expect.stringMatching(/^gzip data is corrupt or cut short/) });
    expect(refused['noise.bin']?.reason).toMatch(/^binary data \(a NUL byte at byte \d+\): not NDJSON text$/);
    expect(refused['table.csv']?.reason).toBe('none of its 2 lines is a metric event (is it NDJSON?)');
    expect(refused['huge.ndjson']?.reason).toMatch(/^\d+ bytes, more than rollup\.maxObjectBytes \(65536\)$/);
    expect((await storedDailyStats(storage)).get('orders|2026-11-23|{"store":"s1"}')).toEqual({ count: 15, sum: sumTo(10) + sumTo(5), min: 1, max: 10 });
  });

  it('does not read a refused object again until it changes, and counts it once it is replaced by a readable one', async () => {
    // Prepare: the first test's objects are absorbed or refused.
    const config = rollupConfig({ rollup: { lookbackHours: 48, debounceMs: 5000, maxCardinalityPerMetricDay: 1000, maxObjectBytes: 64 * 1024 } });
    const bed = rollupBed(storage, { clock: new FakeClock(NOW), config });

    // Act
    const again = await runRollupJob(bed);
    await storage.artifactStore.put(`${HOUR}cut-short.ndjson.gz`, gzipSync(orders(20)), 'application/gzip');
    const replaced = await runRollupJob(bed);

    // Assess
    expect(again.status).toBe('succeeded');
    expect(again.summary).toMatchObject({ objectsRead: 0, objectsRefused: 0, objectsSkipped: 6, bytesRead: 0 });
    expect(replaced.status).toBe('succeeded');
    expect(replaced.summary).toMatchObject({ objectsRead: 1, objectsRefused: 0, events: 20 });
    expect((await storedDailyStats(storage)).get('orders|2026-11-23|{"store":"s1"}')).toEqual({ count: 35, sum: sumTo(10) + sumTo(5) + sumTo(20), min: 1, max: 20 });
  });

  it('takes back what an object contributed when it is overwritten with bytes that cannot be read', async () => {
    // Prepare
    const config = rollupConfig({ rollup: { lookbackHours: 48, debounceMs: 5000, maxCardinalityPerMetricDay: 1000, maxObjectBytes: 64 * 1024 } });
    const bed = rollupBed(storage, { clock: new FakeClock(NOW), config });
    await storage.artifactStore.put(`${HOUR}good.ndjson.gz`, randomBytes(2048), 'application/gzip');

    // Act
    const run = await runRollupJob(bed);

    // Assess
    expect(run.status).toBe('warning');
    expect(run.summary).toMatchObject({ objectsRead: 0, objectsRefused: 1, refusedObjects: [{ key: `${HOUR}good.ndjson.gz`, size: 2048 }] });
    expect((await storedDailyStats(storage)).get('orders|2026-11-23|{"store":"s1"}')).toEqual({ count: 25, sum: sumTo(5) + sumTo(20), min: 1, max: 20 });
  });
});
