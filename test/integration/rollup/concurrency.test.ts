import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobDefinition } from '../../../functions/core/jobs/definition';
import type { RollupParams } from '../../../functions/jobs/rollup/params';
import { FakeClock } from '../../helpers/clock';
import { ROLLUP_METRICS, rollupBed, runRollupJob, sortedRows, storedDailyStats } from '../../helpers/rollup-bed';
import { expectedDailyStats, generateEvents, writeEventObjects } from '../../helpers/rollup-events';
import { createTestStorage, type TestStorage } from '../../helpers/storage';

const TIMEZONE = 'America/Los_Angeles';
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe('rollup: concurrent triggers', () => {
  let storage: TestStorage;

  beforeAll(async () => {
    storage = await createTestStorage('rollup-concurrency');
  });

  afterAll(async () => {
    await storage.destroy();
  });

  it('20 triggers at once never overlap, and every event is counted exactly once when they settle', async () => {
    // Prepare: events keep arriving (three waves of objects) while the triggers fire.
    const bed = rollupBed(storage, { clock: new FakeClock('2026-11-23T18:00:00Z') });
    const events = generateEvents(41, { days: ['2026-11-22', '2026-11-23'], timezone: TIMEZONE, eventsPerDay: 300, metrics: ROLLUP_METRICS, stores: 5, channels: ['web', 'app'] }).filter(
      (event) => Date.parse(event.ts) <= Date.parse('2026-11-23T18:00:00Z') && Date.parse(event.ts) >= Date.parse('2026-11-22T08:00:00Z'),
    );
    const waves = [0, 1, 2].map((wave) => events.filter((_, index) => index % 3 === wave));
    let active = 0;
    let maxActive = 0;
    const watched: JobDefinition<RollupParams> = {
      ...bed.job,
      async run(context) {
        active += 1;
        maxActive = Math.max(maxActive, active);
        try {
          return await bed.job.run(context);
        } finally {
          active -= 1;
        }
      },
    };

    // Act
    const [runs] = await Promise.all([
      Promise.all(Array.from({ length: 20 }, async (_, index) => {
        await sleep(index * 40);
        return runRollupJob(bed, {}, watched);
      })),
      (async () => {
        for (const [index, wave] of waves.entries()) {
          await sleep(150);
          await writeEventObjects(storage.artifactStore, wave, { objectsPerHour: 1, seed: 41 + index, prefix: `wave${index}` });
        }
      })(),
    ]);
    const final = await runRollupJob(bed, {}, watched);
    const stored = await storedDailyStats(storage);

    // Assess
    expect(maxActive).toBe(1);
    const statuses = runs.map((run) => run.status);
    expect(statuses.every((status) => status === 'succeeded' || status === 'skipped')).toBe(true);
    expect(statuses).toContain('succeeded');
    expect(final.status).toBe('succeeded');
    const eventsCounted = [...runs, final].reduce((sum, run) => sum + Number(run.summary?.['events'] ?? 0), 0);
    expect(eventsCounted).toBe(events.length);
    expect(sortedRows(stored)).toEqual(sortedRows(expectedDailyStats(events, TIMEZONE, ['store', 'channel'])));
  });
});
