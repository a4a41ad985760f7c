import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobDependencies } from '../../../functions/core/jobs/definition';
import { JobNotFoundError } from '../../../functions/core/jobs/errors';
import type { ExecutionLimits } from '../../../functions/core/jobs/execute-run';
import { handleInvocation } from '../../../functions/core/jobs/handle-invocation';
import type { JobRecord } from '../../../functions/core/jobs/record';
import { FakeClock } from '../../helpers/clock';
import { fakeJob, newJob, testConfig, testDependencies } from '../../helpers/jobs';
import { createTestStorage, type TestStorage } from '../../helpers/storage';

const LIMITS: ExecutionLimits = { remainingMs: 900_000, marginMs: 5_000 };
/** Days after the slots below: a late retry must still compute the slot's period. */
const NOW = '2026-11-26T18:00:00.000Z';

const config = testConfig({
  schedules: {
    'snapshot-daily': { job: 'snapshot', expression: 'cron(0 3 * * ? *)', period: 'previous-day' },
    'snapshot-weekly': { job: 'snapshot', expression: 'cron(0 4 ? * MON *)', period: 'previous-week' },
    'rollup-daily': { job: 'rollup', expression: 'rate(1 day)' },
  },
});

describe('handleInvocation', () => {
  let storage: TestStorage;

  beforeAll(async () => {
    storage = await createTestStorage('lifecycle-invocation');
  });

  afterAll(async () => {
    await storage.destroy();
  });

  function deps(): JobDependencies & { clock: FakeClock } {
    return testDependencies(storage, { clock: new FakeClock(NOW), config });
  }

  /** A snapshot job that remembers the runs it was given. */
  function snapshotJob(): { job: ReturnType<typeof fakeJob>; ran: JobRecord[] } {
    const ran: JobRecord[] = [];
    const job = fakeJob(
      async ({ job: current }) => {
        ran.push(current);
        return { summary: { period: current.period ?? null } };
      },
      { type: 'snapshot' },
    );
    return { job, ran };
  }

  describe('scheduled invocations', () => {
    it('derives the period from the slot time in the config time zone, not from the clock', async () => {
      // Prepare
      const d = deps();
      const { job, ran } = snapshotJob();
      const event = { type: 'snapshot', trigger: 'schedule', scheduleName: 'snapshot-daily', scheduledFor: '2026-11-23T11:00:00Z' };

      // Act
      const result = await handleInvocation(job, event, d, LIMITS);

      // Assess
      expect(result.outcome).toBe('ran');
      const record = result.outcome === 'ran' ? result.job : undefined;
      expect(record).toMatchObject({
        type: 'snapshot',
        status: 'succeeded',
        trigger: 'schedule',
        period: '2026-11-22',
        // Scheduler's `…:00Z` kept as every slot key is, so the slot ledger finds the run as fired.
        scheduledFor: '2026-11-23T11:00:00.000Z',
        triggeredBy: 'snapshot-daily',
        createdAt: NOW,
        summary: { period: '2026-11-22' },
      });
      expect(ran.map((r) => r.period)).toEqual(['2026-11-22']);
    });

    it('uses the local day of the slot, which differs from its UTC day in the evening', async () => {
      // Prepare: 23:30 on Nov 21 in Los Angeles is already Nov 22 in UTC.
      const d = deps();
      const { job } = snapshotJob();
      const event = { type: 'snapshot', trigger: 'schedule', scheduleName: 'snapshot-daily', scheduledFor: '2026-11-22T07:30:00Z' };

      // Act
      const result = await handleInvocation(job, event, d, LIMITS);

      // Assess
      expect(result.outcome === 'ran' ? result.job.period : undefined).toBe('2026-11-20');
    });

    it('derives a week period for a previous-week schedule', async () => {
      // Prepare: Monday 2026-11-30 04:00 PST closes ISO week 48 (Mon 23 – Sun 29).
      const d = deps();
      const { job } = snapshotJob();
      const event = { type: 'snapshot', trigger: 'schedule', scheduleName: 'snapshot-weekly', scheduledFor: '2026-11-30T12:00:00Z' };

      // Act
      const result = await handleInvocation(job, event, d, LIMITS);

      // Assess
      expect(result.outcome === 'ran' ? result.job.period : undefined).toBe('2026-W48');
    });

    it('skips the second delivery of the same slot, pointing at the first run, and runs the work once', async () => {
      // Prepare
      const d = deps();
      const { job, ran } = snapshotJob();
      const event = { type: 'snapshot', trigger: 'schedule', scheduleName: 'snapshot-daily', scheduledFor: '2026-11-25T11:00:00Z' };
      const first = await handleInvocation(job, event, d, LIMITS);
      d.clock.advance(60 * 60_000);

      // Act
      const second = await handleInvocation(job, event, d, LIMITS);

      // Assess
      expect(first.outcome).toBe('ran');
      const firstId = first.outcome === 'ran' ? first.job.id : 'none';
      expect(second.outcome).toBe('skipped');
      if (second.outcome !== 'skipped') return;
      expect(second.existingJobId).toBe(firstId);
      expect(second.job).toMatchObject({ status: 'skipped', skippedFor: firstId, period: '2026-11-24', type: 'snapshot' });
      expect(second.job.id).not.toBe(firstId);
      expect(await d.ledger.get(second.job.id)).toMatchObject({ status: 'skipped', skippedFor: firstId });
      expect(ran).toHaveLength(1);
    });

    it('takes an explicit period over the one the schedule would derive', async () => {
      // Prepare
      const d = deps();
      const { job } = snapshotJob();
      const event = { type: 'snapshot', trigger: 'schedule', scheduleName: 'snapshot-daily', scheduledFor: '2026-11-23T11:00:00Z', period: '2026-10-01' };

      // Act
      const result = await handleInvocation(job, event, d, LIMITS);

      // Assess
      expect(result.outcome === 'ran' ? result.job.period : undefined).toBe('2026-10-01');
    });

    it('creates a run without a period for a schedule that covers none', async () => {
      // Prepare
      const d = deps();
      const job = fakeJob(async () => ({}), { type: 'rollup' });
      const event = { type: 'rollup', trigger: 'schedule', scheduleName: 'rollup-daily', scheduledFor: '2026-11-23T11:00:00Z' };

      // Act
      const result = await handleInvocation(job, event, d, LIMITS);

      // Assess
      expect(result.outcome).toBe('ran');
      if (result.outcome !== 'ran') return;
      expect(result.job.period).toBeUndefined();
      expect(result.job.status).toBe('succeeded');
    });

    it('rejects a period schedule delivered without its slot time, and an unknown schedule', async () => {
      // Prepare
      const d = deps();
      const { job, ran } = snapshotJob();

      // Act
      const noSlot = await handleInvocation(job, { type: 'snapshot', trigger: 'schedule', scheduleName: 'snapshot-daily' }, d, LIMITS);
      const unknown = await handleInvocation(
        job,
        { type: 'snapshot', trigger: 'schedule', scheduleName: 'snapshot-hourly', scheduledFor: '2026-11-23T11:00:00Z' },
        d,
        LIMITS,
      );

      // Assess
      expect(noSlot).toEqual({ outcome: 'rejected', reason: 'schedule "snapshot-daily" covers a period but the invocation has no scheduledFor' });
      expect(unknown).toEqual({ outcome: 'rejected', reason: 'unknown schedule "snapshot-hourly"' });
      expect(ran).toHaveLength(0);
    });
  });

  describe('malformed invocations', () => {
    it.each([
      ['an unknown trigger', { type: 'snapshot', trigger: 'whenever' }, /^trigger: /],
      ['a slot time that is not a date-time', { type: 'snapshot', trigger: 'schedule', scheduledFor: 'yesterday' }, /^scheduledFor: /],
      ['a job id that is not a ULID', { type: 'snapshot', trigger: 'api', jobId: '../../etc/passwd' }, /^jobId: /],
      ['an unknown field', { type: 'snapshot', trigger: 'api', retries: 3 }, /"retries"/],
      ['an unknown type', { type: 'reindex', trigger: 'api' }, /^type: /],
      ['no type at all', { trigger: 'api' }, /^type: /],
    ])('rejects %s with a reason naming the field', async (_what, event, reason) => {
      // Prepare
      const d = deps();
      const { job, ran } = snapshotJob();

      // Act
      const result = await handleInvocation(job, event, d, LIMITS);

      // Assess
      expect(result.outcome).toBe('rejected');
      expect(result.outcome === 'rejected' ? result.reason : '').toMatch(reason);
      expect(ran).toHaveLength(0);
    });

    it('rejects an event that is not an object', async () => {
      // Prepare
      const d = deps();
      const { job } = snapshotJob();

      // Act
      const result = await handleInvocation(job, 'run the snapshot please', d, LIMITS);

      // Assess
      expect(result.outcome).toBe('rejected');
      expect(result.outcome === 'rejected' ? result.reason : '').toMatch(/^event: /);
    });

    it('rejects an invocation for another job type without recording anything', async () => {
      // Prepare
      const d = deps();
      const { job, ran } = snapshotJob();

      // Act
      const result = await handleInvocation(job, { type: 'export', trigger: 'api' }, d, LIMITS);

      // Assess
      expect(result).toEqual({ outcome: 'rejected', reason: 'this function runs snapshot jobs, not export' });
      expect((await d.ledger.list({ type: 'export', limit: 10 })).items).toEqual([]);
      expect(ran).toHaveLength(0);
    });
  });

  describe('invocations for a recorded run', () => {
    it('starts the queued run named by jobId, with its own params and period', async () => {
      // Prepare
      const d = deps();
      const { job, ran } = snapshotJob();
      const queued = await d.ledger.claimPeriod(
        { ...newJob({ type: 'snapshot', trigger: 'api', params: { scope: 'store' }, triggeredBy: 'admin' }, d.clock), period: '2026-11-01' },
        'first',
      );

      // Act
      const result = await handleInvocation(job, { type: 'snapshot', jobId: queued.job.id, trigger: 'api', triggeredBy: 'admin' }, d, LIMITS);

      // Assess
      expect(result.outcome).toBe('ran');
      if (result.outcome !== 'ran') return;
      expect(result.job).toMatchObject({ id: queued.job.id, status: 'succeeded', period: '2026-11-01', params: { scope: 'store' }, summary: { period: '2026-11-01' } });
      expect(ran.map((r) => r.id)).toEqual([queued.job.id]);
      expect((await d.ledger.periodStates('snapshot', ['2026-11-01'])).get('2026-11-01')).toEqual({ jobId: queued.job.id, status: 'succeeded', trigger: 'api' });
    });

    it('throws JobNotFoundError for an unknown jobId and for a run of another type', async () => {
      // Prepare
      const d = deps();
      const { job, ran } = snapshotJob();
      const sweeperRun = await d.ledger.enqueue(newJob({ type: 'sweeper' }, d.clock));
      const unknownId = newJob({}, d.clock).id;

      // Act
      const [unknown, otherType] = await Promise.allSettled([
        handleInvocation(job, { type: 'snapshot', jobId: unknownId, trigger: 'api' }, d, LIMITS),
        handleInvocation(job, { type: 'snapshot', jobId: sweeperRun.id, trigger: 'api' }, d, LIMITS),
      ]);

      // Assess
      expect(unknown.status === 'rejected' ? unknown.reason : unknown).toEqual(new JobNotFoundError(unknownId));
      expect(otherType.status === 'rejected' ? otherType.reason : otherType).toEqual(new JobNotFoundError(sweeperRun.id));
      expect((await d.ledger.get(sweeperRun.id))?.status).toBe('queued');
      expect(ran).toHaveLength(0);
    });
  });
});
