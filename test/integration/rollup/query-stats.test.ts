import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryStats, type StatsDependencies } from '../../../functions/jobs/rollup/query-stats';
import { FakeClock } from '../../helpers/clock';
import { ROLLUP_METRICS, rollupBed, rollupConfig, runRollupJob } from '../../helpers/rollup-bed';
import { expectedDailyStats, expectedStatsItems, generateEvents, writeEventObjects, type GeneratedEvent } from '../../helpers/rollup-events';
import { createTestStorage, type TestStorage } from '../../helpers/storage';

const TIMEZONE = 'America/Los_Angeles';
const DAYS = ['2026-11-20', '2026-11-21', '2026-11-22'];

/** Expected rows folded by day and the `groupBy` dimension's value (absent value → `{}`). */
describe('queryStats', () => {
  let storage: TestStorage;
  let deps: StatsDependencies;
  let events: GeneratedEvent[];

  beforeAll(async () => {
    storage = await createTestStorage('rollup-query');
    events = generateEvents(51, { days: DAYS, timezone: TIMEZONE, eventsPerDay: 150, metrics: ROLLUP_METRICS, stores: 3, channels: ['web', 'app'] });
    await writeEventObjects(storage.artifactStore, events, { objectsPerHour: 1, seed: 51 });
    const bed = rollupBed(storage, { clock: new FakeClock('2026-11-23T20:00:00Z') });
    await runRollupJob(bed, { from: DAYS[0], to: DAYS[2] });
    deps = { config: rollupConfig(), stats: bed.store, backlog: bed.store };
  });

  afterAll(async () => {
    await storage.destroy();
  });

  it('without groupBy adds every group of a day into one item per day, days inclusive', async () => {
    // Act
    const result = await queryStats(deps, { metric: 'revenue', from: '2026-11-20', to: '2026-11-22' });

    // Assess
    expect(result.metric).toBe('revenue');
    expect(result.timezone).toBe(TIMEZONE);
    expect(result.items).toEqual(expectedStatsItems(expectedDailyStats(events, TIMEZONE, ['store', 'channel']), 'revenue'));
    expect(result.items.map((item) => item.day)).toEqual(DAYS);
  });

  it('with groupBy gives one item per day and value of that dimension, `{}` for events without it', async () => {
    // Act
    const byStore = await queryStats(deps, { metric: 'orders', from: '2026-11-21', to: '2026-11-21', groupBy: 'store' });
    const byChannel = await queryStats(deps, { metric: 'orders', from: '2026-11-21', to: '2026-11-22', groupBy: 'channel' });

    // Assess
    const expected = expectedDailyStats(events, TIMEZONE, ['store', 'channel']);
    expect(byStore.items).toEqual(expectedStatsItems(expected, 'orders', { groupBy: 'store' }).filter((row) => row.day === '2026-11-21'));
    expect(byChannel.items).toEqual(expectedStatsItems(expected, 'orders', { groupBy: 'channel' }).filter((row) => row.day >= '2026-11-21' && row.day <= '2026-11-22'));
    expect(byChannel.items.some((item) => Object.keys(item.dims).length === 0)).toBe(true);
  });

  it('returns no items for days without data', async () => {
    // Act
    const result = await queryStats(deps, { metric: 'sessions', from: '2027-01-01', to: '2027-01-31' });

    // Assess
    expect(result.items).toEqual([]);
  });

  it.each([
    [{ metric: 'clicks', from: '2026-11-20', to: '2026-11-20' }, 'unknown metric "clicks"'],
    [{ metric: 'revenue', from: '2026-11-20', to: '2026-11-20', groupBy: 'device' }, 'unknown dimension "device"'],
    [{ metric: 'revenue', from: '2026-11-21', to: '2026-11-20' }, 'backwards'],
    [{ metric: 'revenue', from: '2025-01-01', to: '2026-11-20' }, 'more than 366'],
    [{ metric: 'revenue', from: '2026-11-31', to: '2026-12-01' }, 'does not exist'],
    [{ metric: 'revenue', from: 'yesterday', to: '2026-12-01' }, 'not a period key'],
  ])('refuses %j with invalid_params naming the problem', async (query, message) => {
    // Act
    const attempt = queryStats(deps, query);

    // Assess
    await expect(attempt).rejects.toMatchObject({ code: 'invalid_params', message: expect.stringContaining(message) });
  });
});
