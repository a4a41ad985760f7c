import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NightshiftConfigInput } from '../../../functions/core/config';
import type { JobDependencies } from '../../../functions/core/jobs/definition';
import { handleInvocation } from '../../../functions/core/jobs/handle-invocation';
import { createRun } from '../../../functions/core/jobs/lifecycle/create-run';
import { silentLogger } from '../../../functions/core/jobs/logger';
import type { JobRecord } from '../../../functions/core/jobs/record';
import type { JobStatus } from '../../../functions/core/jobs/states';
import { scheduleSlots, type ScheduleSlot } from '../../../functions/core/jobs/slots/schedule-slots';
import { latestScheduleRuns } from '../../../functions/core/jobs/slots/latest-runs';
import { catchUpMissingPeriods } from '../../../functions/jobs/sweeper/catch-up-missing-periods';
import { FakeClock } from '../../helpers/clock';
import { fakeJob, RecordingInvoker, testConfig, testDependencies } from '../../helpers/jobs';
import { createTestStorage, type TestStorage } from '../../helpers/storage';

const LIMITS = { remainingMs: 900_000, marginMs: 5_000 };
const notAborted = (): AbortSignal => new AbortController().signal;
/** Clocks in America/Los_Angeles spring forward at 02:00 on Sunday 2027-03-14: 02:30 does not exist. */
const EARLY = 'snapshot-early';
const HOURLY = 'rollup-hourly';
type CatchUp = NonNullable<NonNullable<NightshiftConfigInput['schedules']>[string]['catchUp']>;

function config(catchUp?: CatchUp, hourlyCatchUp?: CatchUp) {
  return testConfig({
    schedules: {
      [EARLY]: { job: 'snapshot', expression: 'cron(30 2 * * ? *)', period: 'previous-day', ...(catchUp ? { catchUp } : {}) },
      [HOURLY]: { job: 'rollup', expression: 'cron(5 * * * ? *)', ...(hourlyCatchUp ? { catchUp: hourlyCatchUp } : {}) },
    },
    sweeper: { catchUpWindowDays: 14, maxCatchUpPerSweep: 5, settleMinutes: 10 },
  });
}

describe('the slot ledger', () => {
  let storage: TestStorage;

  beforeAll(async () => {
    storage = await createTestStorage('schedule-slots');
  });

  afterAll(async () => {
    await storage.destroy();
  });

  /** Tests share the tables: each one works in its own stretch of the calendar, out of the others' windows. */
  function bed(now: string, catchUp?: CatchUp, hourlyCatchUp?: CatchUp): { d: JobDependencies & { clock: FakeClock }; invoker: RecordingInvoker } {
    const invoker = new RecordingInvoker();
    return { d: testDependencies(storage, { clock: new FakeClock(now), config: config(catchUp, hourlyCatchUp), invoker }), invoker };
  }

  const task = (d: JobDependencies, name: string) => d.catalog.schedules.find((candidate) => candidate.name === name)!;

  /** What the scheduler's delivery of `slot` does: the job function creates (and claims) its run. */
  async function deliver(d: JobDependencies, name: string, slot: string, outcome: JobStatus = 'succeeded'): Promise<JobRecord> {
    const schedule = task(d, name);
    const job = fakeJob(async () => (outcome === 'failed' ? { status: 'failed', error: { code: 'boom', message: 'boom' } } : {}), { type: schedule.type });
    const result = await handleInvocation(job, { type: schedule.type, trigger: 'schedule', scheduleName: name, scheduledFor: slot, triggeredBy: name }, d, LIMITS);
    if (result.outcome === 'rejected') throw new Error(result.reason);
    return result.job;
  }

  async function slotsOf(d: JobDependencies, name: string, from: string, to: string): Promise<Map<string, ScheduleSlot>> {
    const { slots } = await scheduleSlots(d, task(d, name), { from: new Date(from), to: new Date(to) }, { anchor: new Date(0), limit: 500 });
    return new Map(slots.map((slot) => [slot.local.slice(0, 16), slot]));
  }

  /**
   * The week around the spring-forward night, one fate per 02:30 slot: Mar 10 fired, 11 failed,
   * 12 failed then retried, 13 missing, 14 in the gap, 15 taken by a backfill, 16 dead-lettered,
   * 17 not yet due.
   */
  async function springWeek(d: JobDependencies & { clock: FakeClock }): Promise<{ fired: JobRecord; failed: JobRecord; retry: JobRecord; backfill: JobRecord }> {
    d.clock.set('2027-03-10T10:31:00Z');
    const fired = await deliver(d, EARLY, '2027-03-10T10:30:00.000Z');
    d.clock.set('2027-03-11T10:31:00Z');
    const failed = await deliver(d, EARLY, '2027-03-11T10:30:00.000Z', 'failed');
    d.clock.set('2027-03-12T10:31:00Z');
    const failedAgain = await deliver(d, EARLY, '2027-03-12T10:30:00.000Z', 'failed');
    const retried = await createRun(d, { type: 'snapshot', trigger: 'backfill', triggeredBy: 'ops', params: {}, period: '2027-03-11', replaces: failedAgain.id });
    d.clock.set('2027-03-14T20:00:00Z');
    const backfill = await createRun(d, { type: 'snapshot', trigger: 'backfill', triggeredBy: 'ops', params: {}, period: '2027-03-14' });
    await d.ledger.recordDeadLetter(EARLY, '2027-03-16T09:30:00.000Z', new Date('2027-03-16T10:30:00Z'), 4_102_444_800);
    d.clock.set('2027-03-16T19:00:00Z');
    return { fired, failed, retry: retried.job, backfill: backfill.job };
  }

  it('names one fate per slot across the spring-forward week in America/Los_Angeles, then what the sweeper made up', async () => {
    // Prepare
    const { d, invoker } = bed('2027-03-09T00:00:00Z', { mode: 'all', window: '7d' });
    const runs = await springWeek(d);

    // Act
    const before = await slotsOf(d, EARLY, '2027-03-09T20:00:00Z', '2027-03-17T20:00:00Z');
    const report = await catchUpMissingPeriods(d, d.catalog.schedules, silentLogger, notAborted());
    const after = await slotsOf(d, EARLY, '2027-03-09T20:00:00Z', '2027-03-16T20:00:00Z');

    // Assess: before the sweep
    expect([...before].map(([local, slot]) => [local, slot.fate, slot.reason])).toEqual([
      ['2027-03-10T02:30', 'fired', undefined],
      ['2027-03-11T02:30', 'failed', undefined],
      ['2027-03-12T02:30', 'retried', undefined],
      ['2027-03-13T02:30', 'missing', undefined],
      ['2027-03-14T02:30', 'skipped', 'dst_gap'],
      ['2027-03-15T02:30', 'period_taken', undefined],
      ['2027-03-16T02:30', 'dead_lettered', undefined],
      ['2027-03-17T02:30', 'not_yet', undefined],
    ]);
    expect(before.get('2027-03-10T02:30')).toMatchObject({ scheduledFor: '2027-03-10T10:30:00.000Z', local: '2027-03-10T02:30:00-08:00', period: '2027-03-09', run: { id: runs.fired.id, status: 'succeeded', trigger: 'schedule' } });
    expect(before.get('2027-03-11T02:30')?.run).toMatchObject({ id: runs.failed.id, status: 'failed' });
    expect(before.get('2027-03-12T02:30')).toMatchObject({ run: { id: runs.retry.id, trigger: 'backfill' }, replaces: expect.any(String) });
    // The gap slot keeps the wall time it was meant for, with the offset before the gap.
    expect(before.get('2027-03-14T02:30')).toMatchObject({ local: '2027-03-14T02:30:00-08:00', dstGap: true, period: '2027-03-13' });
    expect(before.get('2027-03-14T02:30')?.run).toBeUndefined();
    expect(before.get('2027-03-15T02:30')).toMatchObject({ local: '2027-03-15T02:30:00-07:00', run: { id: runs.backfill.id, trigger: 'backfill' } });

    // Assess: the sweep made up the gap slot, the missed and dead-lettered ones, and retried the failed one
    expect(report.started.map((started) => started.scheduledFor)).toEqual([
      '2027-03-11T10:30:00.000Z',
      '2027-03-13T10:30:00.000Z',
      '2027-03-14T10:30:00.000Z',
      '2027-03-16T09:30:00.000Z',
    ]);
    expect(invoker.invocations.filter((invocation) => invocation.trigger === 'catch-up')).toHaveLength(4);
    expect([...after].map(([local, slot]) => [local, slot.fate, slot.reason])).toEqual([
      ['2027-03-10T02:30', 'fired', undefined],
      ['2027-03-11T02:30', 'retried', undefined],
      ['2027-03-12T02:30', 'retried', undefined],
      ['2027-03-13T02:30', 'caught_up', 'missed'],
      ['2027-03-14T02:30', 'caught_up', 'dst_gap'],
      ['2027-03-15T02:30', 'period_taken', undefined],
      ['2027-03-16T02:30', 'caught_up', 'dead_lettered'],
    ]);
    expect(after.get('2027-03-11T02:30')).toMatchObject({ replaces: runs.failed.id, run: { trigger: 'catch-up', status: 'queued' } });
    const gapRun = await d.ledger.get(after.get('2027-03-14T02:30')!.run!.id);
    expect(gapRun).toMatchObject({ trigger: 'catch-up', period: '2027-03-13', scheduledFor: '2027-03-14T10:30:00.000Z', scheduleName: EARLY });
  });

  it("honours each schedule's catch-up policy: none, latest, the window and maxPerSweep", async () => {
    // Prepare: in each month, four missed daily slots (the 20th to the 23rd), none of them delivered.
    const sweep = async (month: string, catchUp: CatchUp) => {
      const { d } = bed(`2027-${month}-23T19:00:00Z`, catchUp);
      return (await catchUpMissingPeriods(d, d.catalog.schedules, silentLogger, notAborted())).started.map((started) => started.scheduledFor.slice(5, 10));
    };

    // Act
    const none = await sweep('06', { mode: 'none' });
    const latest = await sweep('07', { mode: 'latest', window: '4d' });
    const window = await sweep('08', { mode: 'all', window: '2d' });
    const capped = await sweep('09', { mode: 'all', window: '4d', maxPerSweep: 3 });

    // Assess
    expect(none).toEqual([]);
    expect(latest).toEqual(['07-23']);
    expect(window).toEqual(['08-22', '08-23']);
    expect(capped).toEqual(['09-20', '09-21', '09-22']);
  });

  it('lets a slot of a schedule without a period fire once, and catches up only the newest with mode latest', async () => {
    // Prepare: 10:05 delivered twice, 11:05 and 12:05 never; `latest` makes up 12:05 alone.
    const { d } = bed('2027-04-01T17:06:00Z', undefined, { mode: 'latest', window: '1d' });
    const first = await deliver(d, HOURLY, '2027-04-01T17:05:00.000Z');
    const again = await deliver(d, HOURLY, '2027-04-01T17:05:00.000Z');
    d.clock.set('2027-04-01T19:30:00Z');

    // Act
    const report = await catchUpMissingPeriods(d, d.catalog.schedules.filter((candidate) => candidate.name === HOURLY), silentLogger, notAborted());
    const slots = await slotsOf(d, HOURLY, '2027-04-01T17:00:00Z', '2027-04-01T20:00:00Z');

    // Assess
    expect(again).toMatchObject({ status: 'skipped', skippedFor: first.id });
    expect(report.started.map((started) => started.scheduledFor)).toEqual(['2027-04-01T19:05:00.000Z']);
    expect([...slots].map(([local, slot]) => [local, slot.fate, slot.run?.id])).toEqual([
      ['2027-04-01T10:05', 'fired', first.id],
      ['2027-04-01T11:05', 'missing', undefined],
      ['2027-04-01T12:05', 'caught_up', report.started[0]!.jobId],
    ]);
  });

  it('finds the last run and last success whatever started them: a backfill counts like a delivery', async () => {
    // Prepare: the newest slot's period was backfilled and failed; the one before was delivered and succeeded.
    const { d } = bed('2027-05-04T10:31:00Z');
    const delivered = await deliver(d, EARLY, '2027-05-04T09:30:00.000Z');
    d.clock.set('2027-05-05T12:00:00Z');
    const backfill = await createRun(d, { type: 'snapshot', trigger: 'backfill', triggeredBy: 'ops', params: {}, period: '2027-05-04' });
    await d.ledger.transition(backfill.job, ['queued'], 'running', {});
    await d.ledger.transition(backfill.job, ['running'], 'failed', {});

    // Act
    const latest = await latestScheduleRuns(d, task(d, EARLY), new Date(0));

    // Assess
    expect(latest.lastRun).toMatchObject({ id: backfill.job.id, status: 'failed', trigger: 'backfill' });
    expect(latest.lastSuccess).toMatchObject({ id: delivered.id, status: 'succeeded', trigger: 'schedule' });
  });
});
