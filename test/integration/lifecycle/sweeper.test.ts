import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ScheduledTask } from '../../../functions/core/jobs/scheduled-task';
import type { NightshiftConfigInput } from '../../../functions/core/config';
import type { JobDependencies } from '../../../functions/core/jobs/definition';
import { executeRun } from '../../../functions/core/jobs/execute-run';
import { silentLogger } from '../../../functions/core/jobs/logger';
import type { Invoker, JobInvocation } from '../../../functions/core/jobs/ports';
import type { JobRecord, NewJob } from '../../../functions/core/jobs/record';
import type { JobStatus } from '../../../functions/core/jobs/states';
import { catchUpMissingPeriods, findMissingPeriods } from '../../../functions/jobs/sweeper/catch-up-missing-periods';
import { sweeperJob } from '../../../functions/jobs/sweeper/sweeper-job';
import { runnableJob, withRun } from '../../../functions/jobs/job-type-definition';
import { sweeperRun } from '../../../functions/jobs/sweeper/sweeper-run';
import { QueueOfDeadLetters, schedulerDeadLetter } from '../../helpers/dead-letters';
import { timeOutStaleRuns } from '../../../functions/jobs/sweeper/time-out-stale-runs';
import { FakeClock } from '../../helpers/clock';
import { newJob, RecordingInvoker, testConfig, testDependencies } from '../../helpers/jobs';
import { createTestStorage, type TestStorage } from '../../helpers/storage';

const LIMITS = { remainingMs: 900_000, marginMs: 5_000 };
const notAborted = (): AbortSignal => new AbortController().signal;

/** A nightly snapshot at 03:00 Los Angeles time covering the previous local day. */
const dailySnapshot: ScheduledTask = {
  name: 'snapshot-daily',
  type: 'snapshot',
  expression: 'cron(0 3 * * ? *)',
  timezone: 'America/Los_Angeles',
  enabled: true,
  period: 'previous-day',
  params: { scope: 'all' },
};

type Sweeper = Partial<NonNullable<NightshiftConfigInput['sweeper']>>;

/**
 * The fake clocks below sit months in the past, and DynamoDB Local's TTL really deletes items
 * whose `expiresAt` has passed: runs here keep theirs far in the (real) future.
 */
const RETENTION = { jobsDays: 3650 };
const FAR_FUTURE = 4_102_444_800; // 2100-01-01

describe('the sweeper', () => {
  let storage: TestStorage;

  beforeAll(async () => {
    storage = await createTestStorage('lifecycle-sweeper');
  });

  afterAll(async () => {
    await storage.destroy();
  });

  /**
   * Dependencies at `now`. Tests share the tables, so each one sweeps its own stretch of the
   * calendar (a different month) and never sees another test's periods.
   */
  function deps(now: string, sweeper: Sweeper = {}, invoker: Invoker = new RecordingInvoker()): JobDependencies & { clock: FakeClock } {
    const config = testConfig({ sweeper: { catchUpWindowDays: 7, maxCatchUpPerSweep: 5, settleMinutes: 10, ...sweeper }, retention: RETENTION });
    return testDependencies(storage, { clock: new FakeClock(now), config, invoker });
  }

  /** A run of `type` for `period`, moved through `path` from queued. */
  async function periodRun(d: JobDependencies, period: string, path: JobStatus[], overrides: Partial<NewJob> = {}): Promise<JobRecord> {
    const claimed = await d.ledger.claimPeriod({ ...newJob({ type: 'snapshot', trigger: 'schedule', expiresAt: FAR_FUTURE, ...overrides }, d.clock), period }, 'first');
    let job = claimed.job;
    let from: JobStatus = 'queued';
    for (const to of path) {
      job = await d.ledger.transition(job, [from], to, {});
      from = to;
    }
    return job;
  }

  describe('timeOutStaleRuns', () => {
    it('times out only running runs past their deadline, leaving live and finished runs alone', async () => {
      // Prepare: a table of its own, since the sweep reads every running run.
      const own = await createTestStorage('sweeper-timeouts');
      try {
        const clock = new FakeClock('2026-11-23T12:00:00.000Z');
        const d = testDependencies(own, { clock });
        const enqueue = async (deadlineAt: string | undefined, path: JobStatus[]): Promise<JobRecord> => {
          let job = await d.ledger.enqueue(newJob({ type: 'export' }, clock));
          let from: JobStatus = 'queued';
          for (const to of path) {
            const patch = to === 'running' ? { startedAt: '2026-11-23T11:00:00.000Z', ...(deadlineAt ? { deadlineAt } : {}) } : {};
            job = await d.ledger.transition(job, [from], to, patch);
            from = to;
          }
          return job;
        };
        const stale = await enqueue('2026-11-23T11:15:00.000Z', ['running']);
        const dueNow = await enqueue('2026-11-23T12:00:00.000Z', ['running']);
        const live = await enqueue('2026-11-23T12:00:00.001Z', ['running']);
        const finished = await enqueue('2026-11-23T11:15:00.000Z', ['running', 'succeeded']);
        const queued = await enqueue(undefined, []);

        // Act
        const timedOut = await timeOutStaleRuns(d, silentLogger, notAborted());

        // Assess
        expect(timedOut.sort()).toEqual([stale.id, dueNow.id].sort());
        expect(await d.ledger.get(stale.id)).toMatchObject({
          status: 'timed_out',
          finishedAt: '2026-11-23T12:00:00.000Z',
          durationMs: 3_600_000,
          error: {
            code: 'deadline_exceeded',
            message:
              'still running at 2026-11-23T12:00:00.000Z, past its deadline 2026-11-23T11:15:00.000Z: the process stopped without finishing',
          },
        });
        expect((await d.ledger.get(dueNow.id))?.status).toBe('timed_out');
        expect(await d.ledger.get(live.id)).toEqual(live);
        expect(await d.ledger.get(finished.id)).toEqual(finished);
        expect(await d.ledger.get(queued.id)).toEqual(queued);
      } finally {
        await own.destroy();
      }
    });

    it('moves the period claim of a timed-out run too, so catch-up may retry the period', async () => {
      // Prepare
      const d = deps('2026-01-10T20:00:00.000Z');
      const stale = await periodRun(d, '2026-01-01', []);
      await d.ledger.transition(stale, ['queued'], 'running', { startedAt: '2026-01-10T19:00:00.000Z', deadlineAt: '2026-01-10T19:30:00.000Z' });

      // Act
      const timedOut = await timeOutStaleRuns(d, silentLogger, notAborted());

      // Assess
      expect(timedOut).toContain(stale.id);
      expect((await d.ledger.periodStates('snapshot', ['2026-01-01'])).get('2026-01-01')).toEqual({
        jobId: stale.id,
        status: 'timed_out',
        trigger: 'schedule',
      });
    });
  });

  describe('findMissingPeriods', () => {
    it('finds exactly the periods of the slots in the window that never ran, oldest first', async () => {
      // Prepare: Thu 2026-02-26 12:00 PST; a 3-day window holds the 03:00 slots of Feb 24, 25 and 26.
      const d = deps('2026-02-26T20:00:00.000Z', { catchUpWindowDays: 3 });

      // Act
      const missing = await findMissingPeriods(d, [dailySnapshot]);

      // Assess
      expect(missing).toEqual([
        { schedule: 'snapshot-daily', type: 'snapshot', period: '2026-02-23', scheduledFor: '2026-02-24T11:00:00.000Z', params: { scope: 'all' }, reason: 'never_ran' },
        { schedule: 'snapshot-daily', type: 'snapshot', period: '2026-02-24', scheduledFor: '2026-02-25T11:00:00.000Z', params: { scope: 'all' }, reason: 'never_ran' },
        { schedule: 'snapshot-daily', type: 'snapshot', period: '2026-02-25', scheduledFor: '2026-02-26T11:00:00.000Z', params: { scope: 'all' }, reason: 'never_ran' },
      ]);
    });

    it('looks back catchUpWindowDays and no further', async () => {
      // Prepare
      const d = deps('2026-02-26T20:00:00.000Z', { catchUpWindowDays: 7 });

      // Act
      const missing = await findMissingPeriods(d, [dailySnapshot]);

      // Assess
      expect(missing.map((m) => m.period)).toEqual(['2026-02-19', '2026-02-20', '2026-02-21', '2026-02-22', '2026-02-23', '2026-02-24', '2026-02-25']);
    });

    it('reaches back no further than the first start, and a later deploy keeps the first start', async () => {
      // Prepare: a table of its own (the first start is one item per table). First deployed
      // Thu 2026-10-08 05:00 PDT; swept two days later, then again after a redeploy on the 11th.
      const own = await createTestStorage('sweeper-first-start');
      try {
        const at = (now: string, deployedAt: string) => ({ ...testDependencies(own, { clock: new FakeClock(now), config: deps(now).config }), deployedAt: new Date(deployedAt) });
        const firstSweep = at('2026-10-10T20:00:00.000Z', '2026-10-08T12:00:00.000Z');
        const afterRedeploy = at('2026-10-12T20:00:00.000Z', '2026-10-11T12:00:00.000Z');

        // Act
        const first = await findMissingPeriods(firstSweep, [dailySnapshot]);
        const later = await findMissingPeriods(afterRedeploy, [dailySnapshot]);

        // Assess: the 03:00 PDT slots (10:00 UTC) after 2026-10-08T12:00Z only, not seven days of them.
        expect(first.map((m) => m.period)).toEqual(['2026-10-08', '2026-10-09']);
        expect(later.map((m) => m.period)).toEqual(['2026-10-08', '2026-10-09', '2026-10-10', '2026-10-11']);
        expect(await afterRedeploy.ledger.recordFirstStart(new Date('2026-10-12T00:00:00.000Z'))).toEqual(new Date('2026-10-08T12:00:00.000Z'));
      } finally {
        await own.destroy();
      }
    });

    it('leaves a slot younger than settleMinutes to its own delivery', async () => {
      // Prepare: the 03:00 PST slot is 11:00 UTC; settle is 10 minutes.
      const settling = deps('2026-02-26T11:09:59.999Z', { catchUpWindowDays: 2 });
      const settled = deps('2026-02-26T11:10:00.000Z', { catchUpWindowDays: 2 });

      // Act
      const whileSettling = await findMissingPeriods(settling, [dailySnapshot]);
      const once = await findMissingPeriods(settled, [dailySnapshot]);

      // Assess
      expect(whileSettling.map((m) => m.period)).toEqual(['2026-02-24']);
      expect(once.map((m) => m.period)).toEqual(['2026-02-24', '2026-02-25']);
    });

    it('does not count periods with a succeeded, warning or still active run as missing', async () => {
      // Prepare: window Mar 3 – Mar 7 slots, periods Mar 2 – Mar 6.
      const d = deps('2026-03-07T20:00:00.000Z', { catchUpWindowDays: 5 });
      await periodRun(d, '2026-03-02', ['running', 'succeeded']);
      await periodRun(d, '2026-03-03', ['running', 'warning']);
      await periodRun(d, '2026-03-04', ['running']);
      await periodRun(d, '2026-03-05', []);

      // Act
      const missing = await findMissingPeriods(d, [dailySnapshot]);

      // Assess
      expect(missing.map((m) => [m.period, m.reason])).toEqual([['2026-03-06', 'never_ran']]);
    });

    it('ignores disabled schedules and schedules that cover no period', async () => {
      // Prepare
      const d = deps('2026-03-20T20:00:00.000Z', { catchUpWindowDays: 3 });

      // Act
      const missing = await findMissingPeriods(d, [
        { ...dailySnapshot, enabled: false },
        { ...dailySnapshot, name: 'snapshot-plain', period: 'none' },
      ]);

      // Assess
      expect(missing).toEqual([]);
    });

    it('finds weekly periods from a weekly schedule', async () => {
      // Prepare: Mondays 04:00 LA close the previous ISO week; 15 days back holds two Mondays.
      const d = deps('2026-04-15T20:00:00.000Z', { catchUpWindowDays: 15 });
      const weekly: ScheduledTask = { ...dailySnapshot, name: 'snapshot-weekly', expression: 'cron(0 4 ? * MON *)', period: 'previous-week' };

      // Act
      const missing = await findMissingPeriods(d, [weekly]);

      // Assess
      expect(missing.map((m) => [m.period, m.scheduledFor])).toEqual([
        ['2026-W14', '2026-04-06T11:00:00.000Z'],
        ['2026-W15', '2026-04-13T11:00:00.000Z'],
      ]);
    });

    it('still expects the period of a daily slot that EventBridge skips in the spring-forward gap', async () => {
      // Prepare: 02:30 does not exist in Los Angeles on Sun 2027-03-14, so no run covers 2027-03-13.
      const d = deps('2027-03-16T20:00:00.000Z', { catchUpWindowDays: 5 });
      const early: ScheduledTask = { ...dailySnapshot, name: 'snapshot-early', expression: 'cron(30 2 * * ? *)' };

      // Act
      const missing = await findMissingPeriods(d, [early]);

      // Assess
      expect(missing.map((m) => [m.period, m.scheduledFor])).toEqual([
        ['2027-03-11', '2027-03-12T10:30:00.000Z'],
        ['2027-03-12', '2027-03-13T10:30:00.000Z'],
        ['2027-03-13', '2027-03-14T10:30:00.000Z'],
        ['2027-03-14', '2027-03-15T09:30:00.000Z'],
        ['2027-03-15', '2027-03-16T09:30:00.000Z'],
      ]);
    });

    it('expects one period for a slot that happens twice when clocks fall back, at its first occurrence', async () => {
      // Prepare: 01:30 happens twice in Los Angeles on Sun 2026-11-01 (PDT, then PST).
      const d = deps('2026-11-03T20:00:00.000Z', { catchUpWindowDays: 4 });
      const late: ScheduledTask = { ...dailySnapshot, name: 'snapshot-late', expression: 'cron(30 1 * * ? *)' };

      // Act
      const missing = await findMissingPeriods(d, [late]);

      // Assess
      expect(missing.map((m) => [m.period, m.scheduledFor])).toEqual([
        ['2026-10-30', '2026-10-31T08:30:00.000Z'],
        ['2026-10-31', '2026-11-01T08:30:00.000Z'],
        ['2026-11-01', '2026-11-02T09:30:00.000Z'],
        ['2026-11-02', '2026-11-03T09:30:00.000Z'],
      ]);
    });
  });

  describe('catchUpMissingPeriods', () => {
    it('starts at most maxCatchUpPerSweep catch-up runs, oldest first, and invokes each', async () => {
      // Prepare: three missing periods, two per sweep.
      const invoker = new RecordingInvoker();
      const d = deps('2026-05-20T20:00:00.000Z', { catchUpWindowDays: 3, maxCatchUpPerSweep: 2 }, invoker);

      // Act
      const report = await catchUpMissingPeriods(d, [dailySnapshot], silentLogger, notAborted());

      // Assess
      expect(report.missing).toBe(3);
      expect(report.started.map((s) => [s.type, s.period])).toEqual([
        ['snapshot', '2026-05-17'],
        ['snapshot', '2026-05-18'],
      ]);
      expect(invoker.invocations).toEqual(
        report.started.map((s): JobInvocation => ({ type: 'snapshot', jobId: s.jobId, trigger: 'catch-up', triggeredBy: 'sweeper' })),
      );
      const first = await d.ledger.get(report.started[0]!.jobId);
      expect(first).toMatchObject({
        type: 'snapshot',
        status: 'queued',
        trigger: 'catch-up',
        triggeredBy: 'sweeper',
        period: '2026-05-17',
        scheduledFor: '2026-05-18T10:00:00.000Z',
        params: { scope: 'all' },
        createdAt: '2026-05-20T20:00:00.000Z',
      });
    });

    it('picks up where the previous sweep stopped', async () => {
      // Prepare
      const invoker = new RecordingInvoker();
      const d = deps('2026-06-20T20:00:00.000Z', { catchUpWindowDays: 3, maxCatchUpPerSweep: 2 }, invoker);
      const firstSweep = await catchUpMissingPeriods(d, [dailySnapshot], silentLogger, notAborted());

      // Act
      const secondSweep = await catchUpMissingPeriods(d, [dailySnapshot], silentLogger, notAborted());
      const thirdSweep = await catchUpMissingPeriods(d, [dailySnapshot], silentLogger, notAborted());

      // Assess
      expect(firstSweep.started.map((s) => s.period)).toEqual(['2026-06-17', '2026-06-18']);
      expect(secondSweep).toMatchObject({ missing: 1, started: [{ type: 'snapshot', period: '2026-06-19' }] });
      expect(thirdSweep).toEqual({ missing: 0, started: [] });
      expect(invoker.invocations).toHaveLength(3);
    });

    it('retries a failed period once, but not a period whose catch-up run failed too', async () => {
      // Prepare: the only missing period is Jul 9, whose scheduled run failed.
      const invoker = new RecordingInvoker();
      const d = deps('2026-07-10T20:00:00.000Z', { catchUpWindowDays: 1 }, invoker);
      const failed = await periodRun(d, '2026-07-09', ['running', 'failed']);

      // Act
      const found = await findMissingPeriods(d, [dailySnapshot]);
      const retry = await catchUpMissingPeriods(d, [dailySnapshot], silentLogger, notAborted());
      const retryRun = await d.ledger.get(retry.started[0]?.jobId ?? '');
      await d.ledger.transition(retryRun!, ['queued'], 'running', {});
      await d.ledger.transition(retryRun!, ['running'], 'failed', { error: { code: 'internal_error', message: 'still broken' } });
      const afterRetryFailed = await catchUpMissingPeriods(d, [dailySnapshot], silentLogger, notAborted());

      // Assess
      expect(found.map((m) => [m.period, m.reason, m.replaces])).toEqual([['2026-07-09', 'failed', failed.id]]);
      expect(retry.started).toHaveLength(1);
      expect(retryRun).toMatchObject({ period: '2026-07-09', trigger: 'catch-up', status: 'queued', replaces: failed.id });
      expect(retryRun?.id).not.toBe(failed.id);
      expect(afterRetryFailed).toEqual({ missing: 0, started: [] });
      expect(invoker.invocations.map((i) => i.jobId)).toEqual([retryRun?.id]);
    });

    it('retries a timed-out period as a failed one', async () => {
      // Prepare
      const d = deps('2026-08-10T20:00:00.000Z', { catchUpWindowDays: 1 });
      await periodRun(d, '2026-08-09', ['running', 'timed_out']);

      // Act
      const missing = await findMissingPeriods(d, [dailySnapshot]);

      // Assess
      expect(missing.map((m) => [m.period, m.reason])).toEqual([['2026-08-09', 'failed']]);
    });

    it('starts nothing once the sweep is aborted', async () => {
      // Prepare
      const invoker = new RecordingInvoker();
      const d = deps('2026-09-10T20:00:00.000Z', { catchUpWindowDays: 2 }, invoker);
      const controller = new AbortController();
      controller.abort(new Error('deadline'));

      // Act
      const sweeping = catchUpMissingPeriods(d, [dailySnapshot], silentLogger, controller.signal);

      // Assess
      await expect(sweeping).rejects.toThrow('deadline');
      expect(invoker.invocations).toEqual([]);
      expect((await d.ledger.periodStates('snapshot', ['2026-09-08', '2026-09-09'])).size).toBe(0);
    });

    it('closes the catch-up run as failed when it cannot be invoked, so its period is not blocked for good', async () => {
      // Prepare
      const refusing: Invoker = { invokeAsync: async () => Promise.reject(new Error('Lambda said no')) };
      const d = deps('2026-10-10T20:00:00.000Z', { catchUpWindowDays: 1 }, refusing);

      // Act
      const sweeping = catchUpMissingPeriods(d, [dailySnapshot], silentLogger, notAborted());

      // Assess
      await expect(sweeping).rejects.toThrow('Lambda said no');
      const state = (await d.ledger.periodStates('snapshot', ['2026-10-09'])).get('2026-10-09');
      expect(state).toMatchObject({ status: 'failed', trigger: 'catch-up' });
      expect(await d.ledger.get(state?.jobId ?? '')).toMatchObject({
        status: 'failed',
        error: { code: 'internal_error', message: 'Lambda said no' },
        finishedAt: '2026-10-10T20:00:00.000Z',
      });
    });
  });

  describe('sweeperJob', () => {
    it('times out stale runs, invokes again a run whose invocation was lost, records dead letters and catches up missing periods in one run, recording its summary', async () => {
      // Prepare: a table of its own, and a daily snapshot schedule to catch up.
      const own = await createTestStorage('sweeper-job');
      try {
        const invoker = new RecordingInvoker();
        const clock = new FakeClock('2026-12-10T20:00:00.000Z');
        const config = testConfig({
          schedules: {
            sweeper: { job: 'sweeper', expression: 'rate(5 minutes)' },
            'snapshot-daily': { job: 'snapshot', expression: 'cron(0 3 * * ? *)', period: 'previous-day' },
          },
          sweeper: { catchUpWindowDays: 3, maxCatchUpPerSweep: 2, settleMinutes: 10 },
        });
        const d = testDependencies(own, { clock, config, invoker });
        const stale = await d.ledger.enqueue(newJob({ type: 'export' }, clock));
        await d.ledger.transition(stale, ['queued'], 'running', { startedAt: '2026-12-10T19:00:00.000Z', deadlineAt: '2026-12-10T19:10:00.000Z' });
        const lost = await d.ledger.enqueue(newJob({ type: 'export' }, new FakeClock('2026-12-10T19:50:00.000Z')));
        const sweep = await d.ledger.enqueue(newJob({ type: 'sweeper', trigger: 'schedule', triggeredBy: 'sweeper' }, clock));
        // The 12-09 delivery went to the dead-letter queue, beside a message naming no schedule of ours.
        const deadLetters = new QueueOfDeadLetters([schedulerDeadLetter('snapshot-daily', 'snapshot', '2026-12-09T11:00:00Z'), schedulerDeadLetter('gone', 'snapshot', '2026-12-09T11:00:00Z')]);

        // Act
        const finished = await executeRun(runnableJob(withRun(sweeperJob, sweeperRun), { scheduleDeadLetters: deadLetters }), sweep, d, LIMITS);

        // Assess
        expect(finished.status).toBe('succeeded');
        const caughtUp = invoker.invocations.filter((i) => i.trigger === 'catch-up').map((i) => i.jobId);
        expect(finished.summary).toEqual({
          timedOut: 1,
          timedOutJobIds: [stale.id],
          reinvoked: 1,
          reinvokedJobIds: [lost.id],
          deadLettered: [{ schedule: 'snapshot-daily', scheduledFor: '2026-12-09T11:00:00.000Z' }],
          deadLettersLeft: 1,
          caughtUp: [
            { type: 'snapshot', schedule: 'snapshot-daily', period: '2026-12-07', scheduledFor: '2026-12-08T11:00:00.000Z', jobId: caughtUp[0] },
            { type: 'snapshot', schedule: 'snapshot-daily', period: '2026-12-08', scheduledFor: '2026-12-09T11:00:00.000Z', jobId: caughtUp[1] },
          ],
          missingPeriods: 3,
          missingLeft: 1,
        });
        expect(deadLetters.messages.map((message) => message.receipt)).toEqual(['gone@2026-12-09T11:00:00Z']);
        expect((await d.ledger.slotMarks('snapshot-daily', ['2026-12-09T11:00:00.000Z'])).get('2026-12-09T11:00:00.000Z')).toEqual({ deadLetteredAt: '2026-12-10T20:00:00.000Z' });
        expect((await d.ledger.get(stale.id))?.status).toBe('timed_out');
        expect(invoker.invocations).toHaveLength(3);
        expect(invoker.invocations.find((i) => i.jobId === lost.id)).toEqual({ type: 'export', jobId: lost.id, trigger: 'api', triggeredBy: 'test' });
        expect(await d.ledger.get(lost.id)).toMatchObject({ status: 'queued', nextAttemptAt: '2026-12-10T20:00:00.000Z' });
      } finally {
        await own.destroy();
      }
    });
  });
});
