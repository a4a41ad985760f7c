import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeClock } from '../../helpers/clock';
import { crashingClient, extraAnalyticsTable, ROLLUP_METRICS, rollupBed, rollupConfig, runRollupJob, scanAnalytics, sortedRows, storedDailyStats } from '../../helpers/rollup-bed';
import { expectedDailyStats, generateEvents, writeEventObjects, type GeneratedEvent } from '../../helpers/rollup-events';
import { createTestStorage, type TestStorage } from '../../helpers/storage';

const TIMEZONE = 'America/Los_Angeles';
const NOW = '2026-11-21T20:00:00Z';
/** Six UTC hours around the local midnight of 2026-11-21 (08:00Z): two local days, two objects an hour. */
const WINDOW = [Date.parse('2026-11-21T05:00:00Z'), Date.parse('2026-11-21T11:00:00Z')] as const;
/** A lookback just covering the window: fewer hours to list per run keeps the many runs quick. */
const CONFIG = rollupConfig({ rollup: { lookbackHours: 16, debounceMs: 5000, maxCardinalityPerMetricDay: 1000 } });

describe('rollup: crash safety', () => {
  let storage: TestStorage;
  let events: GeneratedEvent[];
  /** Writes a whole run makes, from the first test. */
  let totalWrites = 0;
  const drops: Array<() => Promise<void>> = [];

  /** A fresh Analytics table beside the storage's own, dropped after the file. */
  async function freshTable(label: string): Promise<string> {
    const table = await extraAnalyticsTable(storage, label);
    drops.push(table.drop);
    return table.name;
  }

  /** The rollup on `table`, its writes failing after `writesBeforeCrash`. */
  const bedOn = (table: string, writesBeforeCrash = Number.POSITIVE_INFINITY) => {
    const client = crashingClient(storage.documentClient, writesBeforeCrash);
    return { client, bed: rollupBed(storage, { clock: new FakeClock(NOW), client, analyticsTable: table, config: CONFIG }) };
  };

  beforeAll(async () => {
    storage = await createTestStorage('rollup-crash');
    events = generateEvents(31, { days: ['2026-11-20', '2026-11-21'], timezone: TIMEZONE, eventsPerDay: 400, metrics: ROLLUP_METRICS, stores: 4, channels: ['web', 'app'], aroundMidnight: 20 }).filter(
      (event) => Date.parse(event.ts) >= WINDOW[0] && Date.parse(event.ts) < WINDOW[1],
    );
    await writeEventObjects(storage.artifactStore, events, { objectsPerHour: 2, seed: 31 });
  });

  afterAll(async () => {
    for (const drop of drops) await drop();
    await storage.destroy();
  });

  it('counts every event of the window exactly when run once without trouble', async () => {
    // Act
    const table = await freshTable('probe');
    const probe = bedOn(table);
    const whole = await runRollupJob(probe.bed);
    totalWrites = probe.client.writes;

    // Assess
    expect(whole.status).toBe('succeeded');
    expect(sortedRows(await storedDailyStats(storage, table))).toEqual(sortedRows(expectedDailyStats(events, TIMEZONE, ['store', 'channel'])));
    // Enough writes to stop the run in each of its phases (absorbing is batched: a few writes for all objects).
    expect(totalWrites).toBeGreaterThan(10);
  });

  // Stops spread over every phase (absorbing, hour partials, daily stats, hour summaries, marks),
  // as shares of the whole run's writes: the first and last write included.
  it.each([0, 0.03, 0.125, 0.25, 0.375, 0.5, 0.625, 0.75, 0.875, 0.99])(
    'a run stopped after %f of its writes, then run again, gives exact totals and leaves nothing pending',
    async (share) => {
      // Prepare
      const stop = Math.min(totalWrites - 1, Math.floor(totalWrites * share));
      const table = await freshTable(`n${String(share).replace('.', '')}`);

      // Act
      const crashed = await runRollupJob(bedOn(table, stop).bed);
      const recovered = await runRollupJob(bedOn(table).bed);

      // Assess
      expect(crashed.status).toBe('failed');
      expect(recovered.status).toBe('succeeded');
      expect(sortedRows(await storedDailyStats(storage, table))).toEqual(sortedRows(expectedDailyStats(events, TIMEZONE, ['store', 'channel'])));
      expect((await scanAnalytics(storage, table)).filter((item) => item['pk'] === 'rollup#pending')).toEqual([]);
    },
  );

  it('survives a second crash during the recovery run', async () => {
    // Prepare
    const table = await freshTable('twice');
    await runRollupJob(bedOn(table, Math.floor(totalWrites / 2)).bed);

    // Act: the recovery run stops after its third write.
    const second = await runRollupJob(bedOn(table, 3).bed);
    const third = await runRollupJob(bedOn(table).bed);

    // Assess
    expect(second.status).toBe('failed');
    expect(third.status).toBe('succeeded');
    expect(sortedRows(await storedDailyStats(storage, table))).toEqual(sortedRows(expectedDailyStats(events, TIMEZONE, ['store', 'channel'])));
  });
});
