import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NightshiftConfig } from '../../../functions/core/config';
import type { JobRecord } from '../../../functions/core/jobs/record';
import { formatLocalTime } from '../../../functions/core/time/display';
import { loadConfigFile } from '../../../infra/config/load-config';
import { createTestStorage, type TestStorage } from '../../helpers/storage';
import { travel } from '../../helpers/time-travel';

const ZONE = 'America/Los_Angeles';
/** A journey takes seconds; a machine busy with other suites can stretch that several times. */
const JOURNEY_TIMEOUT_MS = 180_000;
const at = (iso: string) => new Date(iso);
/** How a person reads a slot: the business zone's wall clock and its offset. */
const local = (iso: string | undefined) => (iso === undefined ? 'none' : formatLocalTime(iso, ZONE).slice(11));

const byScheduleSlot = (runs: JobRecord[], schedule: string) => runs.filter((run) => run.trigger === 'schedule' && run.triggeredBy === schedule).map((run) => run.scheduledFor);
const catchUps = (runs: JobRecord[]) => runs.filter((run) => run.trigger === 'catch-up');
const ranToTheEnd = (run: JobRecord) => run.status === 'succeeded' || run.status === 'warning';

/** Every slot fired at most once, and every period caught up at most once. */
function expectNoSlotTwice(runs: JobRecord[]): void {
  const scheduled = runs.filter((run) => run.trigger === 'schedule').map((run) => `${run.triggeredBy} ${run.scheduledFor}`);
  expect(scheduled.length).toBeGreaterThan(0);
  expect(new Set(scheduled).size).toBe(scheduled.length);
  const caught = catchUps(runs).map((run) => `${run.type} ${run.period}`);
  expect(new Set(caught).size).toBe(caught.length);
}

/**
 * The shipped demo config (nightshift.config.ts, America/Los_Angeles) run through the 2027 DST
 * nights and a two-hour outage on a simulated clock: the local cloud's scheduler, sweeper and job
 * functions in process, over empty tables. Its daily snapshot is moved from 03:00 to 02:30 so one
 * period schedule has a slot in the spring-forward gap (the demo's own gap slot is the hourly
 * rollup's 02:05, which has no period to catch up: the next hour's rollup absorbs it). The
 * rollup looks back 1 hour instead of 48: the tables start empty, and listing 48 empty hours of
 * the bucket per rollup is where the test would spend its seconds.
 */
describe('time travel with the demo config', () => {
  let config: NightshiftConfig;
  const storages: TestStorage[] = [];

  beforeAll(async () => {
    const demo = await loadConfigFile('nightshift.config.ts', resolve(import.meta.dirname, '../../..'));
    const daily = demo.schedules['snapshot-daily'];
    if (!daily) throw new Error('the demo config has no snapshot-daily schedule');
    config = {
      ...demo,
      rollup: { ...demo.rollup, lookbackHours: 1 },
      schedules: { ...demo.schedules, 'snapshot-daily': { ...daily, expression: 'cron(30 2 * * ? *)' } },
    };
  });

  afterAll(async () => {
    await Promise.all(storages.map((storage) => storage.destroy()));
  });

  async function journey(name: string, span: Parameters<typeof travel>[2], overrides: Partial<NightshiftConfig> = {}) {
    const storage = await createTestStorage(`time-travel-${name}`);
    storages.push(storage);
    return travel(storage, { ...config, ...overrides }, span);
  }

  it('spring forward (2027-03-14): the gap slot is skipped, then caught up; the hourly rollup fires at 01:05 and 03:05', async () => {
    // Prepare / Act: 01:00 PST to 03:45 PDT; 02:00-02:59 does not exist that night.
    const { runs } = await journey('spring', { from: at('2027-03-14T09:00:00Z'), to: at('2027-03-14T10:45:00Z') });

    // Assess: the hourly rollup skips 02:05 and loses no UTC hour (01:05 PST → 03:05 PDT is one hour).
    expect(byScheduleSlot(runs, 'rollup-hourly').map(local)).toEqual(['01:05:00 -08:00', '03:05:00 -07:00']);
    // The 02:30 snapshot does not fire: its slot does not exist…
    expect(byScheduleSlot(runs, 'snapshot-daily')).toEqual([]);
    // …and the sweeper catches its period up once the slot has settled (10 minutes), as the
    // slot's intended instant (02:30 read with the pre-gap offset = 03:30 PDT).
    const [caught, ...more] = catchUps(runs);
    expect(more).toEqual([]);
    expect(caught).toMatchObject({ type: 'snapshot', period: '2027-03-13', scheduledFor: '2027-03-14T10:30:00.000Z', triggeredBy: 'sweeper' });
    expect(ranToTheEnd(caught!)).toBe(true);
    expect(caught!.createdAt >= '2027-03-14T10:40:00.000Z').toBe(true);
    // The rest of the night as scheduled, on simulated time.
    expect(byScheduleSlot(runs, 'sampling-proof-daily').map(local)).toEqual(['03:15:00 -07:00']);
    expect(byScheduleSlot(runs, 'sweeper')).toHaveLength(21);
    expect(runs.every((run) => run.createdAt.startsWith('2027-03-14T'))).toBe(true);
    expectNoSlotTwice(runs);
  }, JOURNEY_TIMEOUT_MS);

  it('fall back (2027-11-07): the repeated hour fires once; rate() keeps its five minutes', async () => {
    // Prepare / Act: 01:00 PDT to 02:10 PST; 01:00-01:59 happens twice.
    const { runs } = await journey('fall', { from: at('2027-11-07T08:00:00Z'), to: at('2027-11-07T10:10:00Z') });

    // Assess: 01:05 fires at its first occurrence only; the next fire is 02:05 PST, two hours later.
    expect(byScheduleSlot(runs, 'rollup-hourly').map(local)).toEqual(['01:05:00 -07:00', '02:05:00 -08:00']);
    // rate(5 minutes) counts real minutes: 26 sweeps in the 2 h 10 min, none missing, none twice.
    const sweeps = byScheduleSlot(runs, 'sweeper').map((slot) => Date.parse(slot!));
    expect(sweeps).toHaveLength(26);
    expect(sweeps.slice(1).every((slot, index) => slot - sweeps[index]! === 5 * 60_000)).toBe(true);
    // Nothing was missed, so nothing is caught up.
    expect(catchUps(runs)).toEqual([]);
    expectNoSlotTwice(runs);
  }, JOURNEY_TIMEOUT_MS);

  it('an outage (the invoker refusing 02:30-04:30 PDT, Monday 2027-03-15): its period slots are caught up within the policy, no further', async () => {
    // Prepare: at most 3 catch-up runs per sweep; the cap is each schedule's own, and no schedule
    // misses more than one slot here, so it does not bind.
    const sweeper = { ...config.sweeper, maxCatchUpPerSweep: 3 };
    const outage = { from: at('2027-03-15T09:30:00Z'), to: at('2027-03-15T11:30:00Z') };

    // Act: 02:20 PDT (the first start) to 04:40 PDT.
    const { runs, refused } = await journey('outage', { from: at('2027-03-15T09:20:00Z'), to: at('2027-03-15T11:40:00Z'), outage }, { sweeper });

    // Assess: every slot inside the outage was refused, and none fired.
    const refusedSlots = refused.filter((slot) => slot.schedule !== 'sweeper').map((slot) => `${slot.schedule} ${local(slot.slot)}`);
    expect(refusedSlots).toEqual([
      'snapshot-daily 02:30:00 -07:00',
      'rollup-hourly 03:05:00 -07:00',
      'sampling-proof-daily 03:15:00 -07:00',
      'snapshot-weekly 03:30:00 -07:00',
      'export-weekly 04:00:00 -07:00',
      'rollup-hourly 04:05:00 -07:00',
    ]);
    expect(runs.filter((run) => run.trigger === 'schedule' && run.scheduledFor! >= outage.from.toISOString() && run.scheduledFor! < outage.to.toISOString())).toEqual([]);
    // The first sweep after it catches up all four periods (one slot per schedule), oldest first.
    const caught = catchUps(runs).map((run) => [run.type, run.period, local(run.scheduledFor)]);
    expect(caught).toEqual([
      ['snapshot', '2027-03-14', '02:30:00 -07:00'],
      ['sampling-proof', '2027-03-14', '03:15:00 -07:00'],
      ['snapshot', '2027-W10', '03:30:00 -07:00'],
      ['export', '2027-W10', '04:00:00 -07:00'],
    ]);
    const sweepsAfter = runs.filter((run) => run.type === 'sweeper' && run.scheduledFor! >= outage.to.toISOString());
    expect(sweepsAfter.map((run) => [local(run.scheduledFor), (run.summary?.['caughtUp'] as unknown[]).length])).toEqual([
      ['04:30:00 -07:00', 4],
      ['04:35:00 -07:00', 0],
      ['04:40:00 -07:00', 0],
    ]);
    // Not beyond it: nothing from before the first start, and the refused hourly rollups (no
    // period: the next hour's run absorbs their hours) are not run again.
    expect(catchUps(runs).every((run) => run.scheduledFor! >= '2027-03-15T09:20:00.000Z')).toBe(true);
    expect(runs.filter((run) => run.type === 'rollup' && run.trigger !== 'schedule')).toEqual([]);
    expectNoSlotTwice(runs);
  }, JOURNEY_TIMEOUT_MS);
});
