import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeClock } from '../../helpers/clock';
import { ROLLUP_METRICS, rollupBed, runRollupJob, sortedRows, storedDailyStats } from '../../helpers/rollup-bed';
import { expectedDailyStats, generateEvents, writeEventObjects } from '../../helpers/rollup-events';
import { createTestStorage, type TestStorage } from '../../helpers/storage';

const TIMEZONE = 'America/Los_Angeles';
const KEPT = ['store', 'channel'];

describe('rollup: exact daily totals', () => {
  let storage: TestStorage;

  beforeAll(async () => {
    storage = await createTestStorage('rollup-exact');
  });

  afterAll(async () => {
    await storage.destroy();
  });

  it.each([
    { name: 'fall back (2026-11-01 has 25 hours)', days: ['2026-10-31', '2026-11-01', '2026-11-02'], from: '2026-10-30', to: '2026-11-03', now: '2026-11-03T20:00:00Z', seed: 11 },
    { name: 'spring forward (2027-03-14 has 23 hours)', days: ['2027-03-13', '2027-03-14', '2027-03-15'], from: '2027-03-12', to: '2027-03-16', now: '2027-03-16T20:00:00Z', seed: 12 },
  ])('equal an independent computation around DST: $name', async ({ days, from, to, now, seed }) => {
    // Prepare
    const events = generateEvents(seed, {
      days,
      timezone: TIMEZONE,
      eventsPerDay: 400,
      metrics: ROLLUP_METRICS,
      stores: 6,
      channels: ['web', 'app', 'pos'],
      aroundMidnight: 25,
    });
    await writeEventObjects(storage.artifactStore, events, { objectsPerHour: 2, seed, prefix: `exact-${seed}` });
    const bed = rollupBed(storage, { clock: new FakeClock(now) });

    // Act
    const run = await runRollupJob(bed, { from, to });
    const stored = await storedDailyStats(storage);

    // Assess
    expect(run.status).toBe('succeeded');
    expect(run.summary).toMatchObject({ events: events.length, malformedLines: 0, unknownMetricLines: 0, objectsFailed: 0 });
    const expected = expectedDailyStats(events, TIMEZONE, KEPT);
    const inRange = ([key]: [string, unknown]): boolean => {
      const day = key.split('|')[1] ?? '';
      return day >= from && day <= to;
    };
    expect(expected.size).toBeGreaterThan(100);
    expect(sortedRows(stored).filter(inRange)).toEqual(sortedRows(expected));
    expect(run.durationMs).toBeLessThan(15_000);
  });
});
