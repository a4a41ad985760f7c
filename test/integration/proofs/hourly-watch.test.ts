import { DateTime } from 'luxon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoDbWatchStore } from '../../../functions/adapters/dynamodb/watch-store';
import { dimsKeyOf } from '../../../functions/core/rollup/groups';
import type { HourPartial } from '../../../functions/core/rollup/ports';
import type { Alerter, ProofAlert } from '../../../functions/core/proofs/ports';
import { localDay } from '../../../functions/core/time/periods';
import { createRollupJob } from '../../../functions/jobs/rollup/rollup-run';
import { FakeClock } from '../../helpers/clock';
import { proofConfig } from '../../helpers/proofs';
import { rollupBed, runRollupJob, type RollupBed } from '../../helpers/rollup-bed';
import { writeEventObjects, type GeneratedEvent } from '../../helpers/rollup-events';
import { createTestStorage, type TestStorage } from '../../helpers/storage';

const TIMEZONE = 'America/Los_Angeles';
const DAY = '2026-11-19';
const STORES = ['s1', 's2', 's3'];
const CHANNELS = ['web', 'app'];
const config = proofConfig([{ kind: 'trend', metric: 'sessions' }, { kind: 'trend', metric: 'revenue' }], { dimensions: ['store', 'channel'], rollup: { lookbackHours: 2 } });

class RecordingAlerter implements Alerter {
  readonly alerts: ProofAlert[] = [];
  async publish(alert: ProofAlert): Promise<void> {
    this.alerts.push(alert);
  }
}

const localHour = (day: string, hour: number) => DateTime.fromISO(day, { zone: TIMEZONE }).set({ hour });

/** 30 sessions per store and channel in every hour, and one 40-dollar order per store: a steady shop. */
function hourEvents(day: string, hour: number, appDown: boolean): GeneratedEvent[] {
  const start = localHour(day, hour).toMillis();
  return STORES.flatMap((store) => [
    ...CHANNELS.filter((channel) => !(appDown && channel === 'app')).flatMap((channel) =>
      Array.from({ length: 30 }, (_, index) => ({ metric: 'sessions', ts: new Date(start + index * 90_000).toISOString(), value: 1, dims: { store, channel } })),
    ),
    { metric: 'revenue', ts: new Date(start + 1_800_000).toISOString(), value: 40, dims: { store, channel: 'web' } },
  ]);
}

/** The partials eight weeks of the same weekday left, as the rollup would have (no events needed). */
async function seedBaselineWeeks(bed: RollupBed): Promise<void> {
  for (let week = 1; week <= 8; week += 1) {
    const day = DateTime.fromISO(DAY).minus({ weeks: week }).toISODate() ?? '';
    const partials: HourPartial[] = [];
    for (let hour = 0; hour < 24; hour += 1) {
      const utcHour = localHour(day, hour).toUTC().toISO()?.slice(0, 13) ?? '';
      const sessions = new Map(STORES.flatMap((store) => CHANNELS.map((channel) => [dimsKeyOf({ store, channel }, ['store', 'channel']), { count: 30 + ((week + hour) % 3), sum: 30 + ((week + hour) % 3), min: 1, max: 1 }] as const)));
      const revenue = new Map(STORES.map((store) => [dimsKeyOf({ store, channel: 'web' }, ['store', 'channel']), { count: 1, sum: 40, min: 40, max: 40 }] as const));
      partials.push({ metric: 'sessions', day, hour: utcHour, groups: sessions, events: 180, updatedAt: '2026-11-01T00:00:00.000Z' });
      partials.push({ metric: 'revenue', day, hour: utcHour, groups: revenue, events: 3, updatedAt: '2026-11-01T00:00:00.000Z' });
    }
    await bed.store.putPartials(partials);
  }
}

describe('the hourly watch after each rollup (DynamoDB Local, s3rver, fake clock)', () => {
  let storage: TestStorage;
  let bed: RollupBed;
  const alerter = new RecordingAlerter();

  /** The events of the hour that just closed arrive; the hourly rollup runs at :05 past the next hour. */
  const hourPasses = async (hour: number, appDown: boolean) => {
    await writeEventObjects(storage.artifactStore, hourEvents(DAY, hour, appDown), { objectsPerHour: 1, seed: hour });
    bed.deps.clock.set(localHour(DAY, hour + 1).plus({ minutes: 5 }).toJSDate());
    return runRollupJob(bed);
  };

  beforeAll(async () => {
    storage = await createTestStorage('hourly-watch');
    bed = rollupBed(storage, { config, clock: new FakeClock(localHour(DAY, 9).toJSDate()) });
    bed.job = createRollupJob(bed.store, { watches: new DynamoDbWatchStore(storage.documentClient, storage.names.analyticsTable), alerter });
    await seedBaselineWeeks(bed);
  });

  afterAll(async () => {
    await storage.destroy();
  });

  it('judges the closed hour after each rollup and says why a sparse metric is not watched', async () => {
    // Act
    const run = await hourPasses(9, false);

    // Assess
    expect(run.status).toBe('succeeded');
    expect(run.summary?.['watch']).toMatchObject({ watched: ['trend:sessions'], hoursJudged: 1, opened: 0, notWatched: { 'trend:revenue': expect.stringContaining('too sparse for hourly baselines') } });
    expect(alerter.alerts).toEqual([]);
  });

  it('alerts on the outage within its first hour, once, explained, and closes it when the app is back', async () => {
    // Act: the app goes down at 11:00 for three hours
    await hourPasses(10, false);
    const firstOutageHour = await hourPasses(11, true);
    const alertsDuringOutage = [...alerter.alerts];
    await hourPasses(12, true);
    await hourPasses(13, true);
    const back = await hourPasses(14, false);

    // Assess
    expect(firstOutageHour.summary?.['watch']).toMatchObject({ opened: 1 });
    expect(alertsDuringOutage).toHaveLength(1);
    expect(alertsDuringOutage[0]).toMatchObject({ date: DAY, status: 'critical', exitCode: 2 });
    expect(alertsDuringOutage[0]?.subject).toMatch(/^Hourly watch: sessions collapsed at 11:00 on 2026-11-19 −5\d% \(critical\)$/);
    expect(alertsDuringOutage[0]?.message).toMatch(/explained by channel=app: −100% in every store, 11:00–12:00; explains 9\d% of the drop/);
    expect(alerter.alerts).toHaveLength(1);
    expect(back.summary?.['watch']).toMatchObject({ closed: 1 });
    expect(localDay(new Date(firstOutageHour.finishedAt ?? ''), TIMEZONE)).toBe(DAY);
  });
});
