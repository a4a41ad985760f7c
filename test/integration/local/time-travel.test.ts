import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NightshiftConfig } from '../../../functions/core/config';
import type { JobRecord } from '../../../functions/core/jobs/record';
import { loadConfigFile } from '../../../infra/config/load-config';
import { createTestStorage, type TestStorage } from '../../helpers/storage';
import { travel, type Journey } from '../../helpers/time-travel';

const ZONE = 'America/Los_Angeles';
/** A journey takes seconds; a machine busy with other suites can stretch that several times. */
const JOURNEY_TIMEOUT_MS = 180_000;
const at = (iso: string) => new Date(iso);

/** A slot as a reader of `nightshift schedules slots` sees it: its wall time and offset, its fate (and why). */
type Read = [local: string, fate: string, reason?: string];
async function fates(journey: Journey, schedule: string, from: Date, to: Date): Promise<Read[]> {
  const { slots, timezone } = await journey.slots(schedule, { from, to });
  // The offsets below are Los Angeles', where the demo config reads its schedules.
  expect(timezone).toBe(ZONE);
  return slots.map((slot) => [slot.local.slice(11), slot.fate, ...(slot.reason ? [slot.reason] : [])] as Read);
}
const catchUps = (runs: JobRecord[]) => runs.filter((run) => run.trigger === 'catch-up');

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

  async function travel_(name: string, span: Parameters<typeof travel>[2], overrides: Partial<NightshiftConfig> = {}): Promise<Journey> {
    const storage = await createTestStorage(`time-travel-${name}`);
    storages.push(storage);
    return travel(storage, { ...config, ...overrides }, span);
  }

  it('spring forward (2027-03-14): the gap slot reads skipped, then caught up; the hourly rollup fires at 01:05 and 03:05', async () => {
    // Prepare / Act: 01:00 PST to 03:45 PDT; 02:00-02:59 does not exist that night.
    const from = at('2027-03-14T09:00:00Z');
    const to = at('2027-03-14T10:45:00Z');
    const journey = await travel_('spring', { from, to });

    // Assess: the hourly rollup's 02:05 never came (it has no period to make up: the 03:05 run
    // absorbs its hour), and no UTC hour is lost (01:05 PST → 03:05 PDT is one hour).
    expect(await fates(journey, 'rollup-hourly', from, to)).toEqual([
      ['01:05:00-08:00', 'fired'],
      ['02:05:00-08:00', 'skipped', 'dst_gap'],
      ['03:05:00-07:00', 'fired'],
    ]);
    // The 02:30 snapshot's slot does not exist: the sweeper made it up once it had settled
    // (10 minutes), as the slot's intended instant (02:30 read with the pre-gap offset = 03:30 PDT).
    const [snapshot] = (await journey.slots('snapshot-daily', { from, to })).slots;
    expect(snapshot).toMatchObject({ local: '2027-03-14T02:30:00-08:00', dstGap: true, period: '2027-03-13', fate: 'caught_up', reason: 'dst_gap', run: { trigger: 'catch-up' } });
    // It ran to its end (empty tables: a snapshot of no data may end with a warning).
    expect(['succeeded', 'warning']).toContain(snapshot!.run!.status);
    expect(snapshot!.run!.createdAt! >= '2027-03-14T10:40:00.000Z').toBe(true);
    // The rest of the night as scheduled, on simulated time.
    expect(await fates(journey, 'sampling-proof-daily', from, to)).toEqual([['03:15:00-07:00', 'fired']]);
    const sweeps = await fates(journey, 'sweeper', from, to);
    expect(sweeps).toHaveLength(21);
    expect(sweeps.every(([, fate]) => fate === 'fired')).toBe(true);
    expect(journey.runs.every((run) => run.createdAt.startsWith('2027-03-14T'))).toBe(true);
    expectNoSlotTwice(journey.runs);
  }, JOURNEY_TIMEOUT_MS);

  it('fall back (2027-11-07): the repeated hour fires once; rate() keeps its five minutes', async () => {
    // Prepare / Act: 01:00 PDT to 02:10 PST; 01:00-01:59 happens twice.
    const from = at('2027-11-07T08:00:00Z');
    const to = at('2027-11-07T10:10:00Z');
    const journey = await travel_('fall', { from, to });

    // Assess: 01:05 is one slot, fired at its first occurrence; the next is 02:05 PST, two hours later.
    expect(await fates(journey, 'rollup-hourly', from, to)).toEqual([
      ['01:05:00-07:00', 'fired'],
      ['02:05:00-08:00', 'fired'],
    ]);
    // rate(5 minutes) counts real minutes: 26 sweeps in the 2 h 10 min, all fired, five minutes apart.
    const { slots: sweeps } = await journey.slots('sweeper', { from, to });
    expect(sweeps.map((slot) => slot.fate)).toEqual(Array(26).fill('fired'));
    const instants = sweeps.map((slot) => Date.parse(slot.scheduledFor));
    expect(instants.slice(1).every((slot, index) => slot - instants[index]! === 5 * 60_000)).toBe(true);
    // Nothing was missed, so nothing is caught up.
    expect(catchUps(journey.runs)).toEqual([]);
    expectNoSlotTwice(journey.runs);
  }, JOURNEY_TIMEOUT_MS);

  it('an outage (the invoker refusing 02:30-04:30 PDT, Monday 2027-03-15): its slots read dead-lettered, the period ones caught up within the policy, no further', async () => {
    // Prepare: at most 3 catch-up runs per sweep; the cap is each schedule's own, and no schedule
    // misses more than one slot here, so it does not bind.
    const sweeper = { ...config.sweeper, maxCatchUpPerSweep: 3 };
    const outage = { from: at('2027-03-15T09:30:00Z'), to: at('2027-03-15T11:30:00Z') };
    const from = at('2027-03-15T09:20:00Z');
    const to = at('2027-03-15T11:40:00Z');

    // Act: 02:20 PDT (the first start) to 04:40 PDT.
    const journey = await travel_('outage', { from, to, outage }, { sweeper });

    // Assess: each delivery inside the outage was retried three times (1, 2 and 4 minutes later),
    // refused every time, and dead-lettered; the first sweep after it made up the period ones.
    const period = { from, to };
    expect(await fates(journey, 'snapshot-daily', period.from, period.to)).toEqual([['02:30:00-07:00', 'caught_up', 'dead_lettered']]);
    expect(await fates(journey, 'sampling-proof-daily', period.from, period.to)).toEqual([['03:15:00-07:00', 'caught_up', 'dead_lettered']]);
    expect(await fates(journey, 'snapshot-weekly', period.from, period.to)).toEqual([['03:30:00-07:00', 'caught_up', 'dead_lettered']]);
    expect(await fates(journey, 'export-weekly', period.from, period.to)).toEqual([['04:00:00-07:00', 'caught_up', 'dead_lettered']]);
    // The hourly rollup has no period: the next hour's run absorbs the hours, so its slots stay dead-lettered.
    expect(await fates(journey, 'rollup-hourly', period.from, period.to)).toEqual([
      ['03:05:00-07:00', 'dead_lettered'],
      ['04:05:00-07:00', 'dead_lettered'],
    ]);
    const caughtUpAt = (await Promise.all(['snapshot-daily', 'sampling-proof-daily', 'snapshot-weekly', 'export-weekly'].map((name) => journey.slots(name, period)))).map(
      ({ slots }) => slots[0]!.run!.createdAt!,
    );
    expect(caughtUpAt.every((created) => created >= outage.to.toISOString() && created < '2027-03-15T11:35:00.000Z')).toBe(true);
    // The sweeper's own slots: dead-lettered through the outage, except 04:25, whose third retry
    // (04:32) found the invoker back; from 04:30 on, fired.
    const sweeps = await fates(journey, 'sweeper', period.from, period.to);
    expect(sweeps.filter(([, fate]) => fate === 'fired').map(([local]) => local)).toEqual(['02:25:00-07:00', '04:25:00-07:00', '04:30:00-07:00', '04:35:00-07:00', '04:40:00-07:00']);
    expect(sweeps.filter(([, fate]) => fate !== 'fired').every(([, fate]) => fate === 'dead_lettered')).toBe(true);
    // Not beyond it: the daily snapshot's slot of the day before the first start was never due,
    // and is not made up.
    expect(await fates(journey, 'snapshot-daily', at('2027-03-14T09:20:00Z'), from)).toEqual([['02:30:00-08:00', 'skipped', 'dst_gap']]);
    expect(catchUps(journey.runs).every((run) => run.scheduledFor! >= from.toISOString())).toBe(true);
    expectNoSlotTwice(journey.runs);
  }, JOURNEY_TIMEOUT_MS);
});
