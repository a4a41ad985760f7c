import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RunInProgressError } from '../../../functions/core/jobs/errors';
import type { JobType } from '../../../functions/core/jobs/job-types';
import type { JobLedger, PeriodState } from '../../../functions/core/jobs/ports';
import type { NewJob } from '../../../functions/core/jobs/record';
import type { JobStatus } from '../../../functions/core/jobs/states';
import { FakeClock } from '../../helpers/clock';
import { newJob, testDependencies } from '../../helpers/jobs';
import { createTestStorage, type TestStorage } from '../../helpers/storage';

type PeriodJob = NewJob & { period: string };

/** `count` consecutive days from 2025-01-01 as period names. */
function days(count: number, from = '2025-01-01'): string[] {
  const start = Date.parse(`${from}T00:00:00.000Z`);
  return Array.from({ length: count }, (_, index) => new Date(start + index * 86_400_000).toISOString().slice(0, 10));
}

describe('DynamoDbJobLedger period claims', () => {
  let storage: TestStorage;
  let ledger: JobLedger;
  const clock = new FakeClock('2026-11-23T08:00:00.000Z');

  function periodJob(type: JobType, period: string, overrides: Partial<NewJob> = {}): PeriodJob {
    clock.advance(1);
    return { ...newJob({ type, ...overrides }, clock), period };
  }

  /** Moves a period run along a path of statuses, one conditional transition per step. */
  async function walk(job: PeriodJob, path: readonly JobStatus[]): Promise<void> {
    let from: JobStatus = 'queued';
    for (const to of path) {
      await ledger.transition(job, [from], to, {});
      from = to;
    }
  }

  beforeAll(async () => {
    storage = await createTestStorage('ledger-period-claims');
    ledger = testDependencies(storage, { clock }).ledger;
  });

  afterAll(async () => {
    await storage.destroy();
  });

  describe('claimPeriod (first)', () => {
    it('lets exactly one of 50 concurrent claims of one period win and records the 49 others as skipped for it', async () => {
      // Prepare
      const jobs = Array.from({ length: 50 }, () => periodJob('rollup', '2026-11-22', { trigger: 'schedule' }));

      // Act
      const results = await Promise.all(jobs.map((job) => ledger.claimPeriod(job, 'first')));
      const stored = await Promise.all(jobs.map((job) => ledger.get(job.id)));
      const states = await ledger.periodStates('rollup', ['2026-11-22']);

      // Assess
      const claimed = results.filter((result) => result.outcome === 'claimed');
      const skipped = results.filter((result) => result.outcome === 'skipped');
      expect(claimed).toHaveLength(1);
      expect(skipped).toHaveLength(49);
      const winner = claimed[0]!.job;
      expect(winner.status).toBe('queued');
      for (const result of skipped) {
        expect(result).toMatchObject({ existingJobId: winner.id, job: { status: 'skipped', skippedFor: winner.id } });
      }
      for (const [index, record] of stored.entries()) {
        const job = jobs[index]!;
        if (job.id === winner.id) {
          expect(record).toEqual({ ...job, status: 'queued', artifacts: [] });
        } else {
          expect(record).toEqual({ ...job, status: 'skipped', artifacts: [], skippedFor: winner.id, finishedAt: job.createdAt, durationMs: 0 });
        }
      }
      expect(states).toEqual(new Map([['2026-11-22', { jobId: winner.id, status: 'queued', trigger: 'schedule' }]]));
    });

    it('keeps claims of different periods and different types apart', async () => {
      // Prepare
      const periods = days(10, '2026-03-01');
      const firsts = [
        ...periods.map((period) => periodJob('snapshot', period)),
        periodJob('export', periods[0]!),
      ];
      const seconds = periods.map((period) => periodJob('snapshot', period));

      // Act
      const firstResults = await Promise.all(firsts.map((job) => ledger.claimPeriod(job, 'first')));
      const secondResults = await Promise.all(seconds.map((job) => ledger.claimPeriod(job, 'first')));

      // Assess
      expect(firstResults.map((result) => result.outcome)).toEqual(firsts.map(() => 'claimed'));
      expect(secondResults.map((result) => (result.outcome === 'skipped' ? result.existingJobId : 'claimed'))).toEqual(
        firsts.slice(0, 10).map((job) => job.id),
      );
    });
  });

  describe('claimPeriod (retry)', () => {
    it.each([
      { ended: 'failed', path: ['running', 'failed'] },
      { ended: 'timed_out', path: ['running', 'timed_out'] },
      { ended: 'timed_out', path: ['timed_out'] },
    ] as const)('takes over a period whose run ended $ended (via $path)', async ({ path }) => {
      // Prepare
      const period = `retry-${path.join('-')}`;
      const holder = periodJob('rollup', period, { trigger: 'schedule' });
      await ledger.claimPeriod(holder, 'first');
      await walk(holder, path);
      const retry = periodJob('rollup', period, { trigger: 'catch-up' });

      // Act
      const result = await ledger.claimPeriod(retry, 'retry');
      const states = await ledger.periodStates('rollup', [period]);
      const previous = await ledger.get(holder.id);

      // Assess
      expect(result).toEqual({ outcome: 'claimed', job: { ...retry, status: 'queued', artifacts: [] } });
      expect(states.get(period)).toEqual({ jobId: retry.id, status: 'queued', trigger: 'catch-up' });
      expect(previous?.status).toBe(path.at(-1));
    });

    it.each([
      { holderStatus: 'succeeded', path: ['running', 'succeeded'] },
      { holderStatus: 'warning', path: ['running', 'warning'] },
      { holderStatus: 'running', path: ['running'] },
      { holderStatus: 'queued', path: [] },
    ] as const)('is skipped for the holder when its run is $holderStatus', async ({ holderStatus, path }) => {
      // Prepare
      const period = `retry-skip-${holderStatus}`;
      const holder = periodJob('rollup', period, { trigger: 'schedule' });
      await ledger.claimPeriod(holder, 'first');
      await walk(holder, path);
      const retry = periodJob('rollup', period, { trigger: 'retry' });

      // Act
      const result = await ledger.claimPeriod(retry, 'retry');
      const stored = await ledger.get(retry.id);
      const states = await ledger.periodStates('rollup', [period]);

      // Assess
      expect(result).toMatchObject({ outcome: 'skipped', existingJobId: holder.id });
      expect(stored).toMatchObject({ id: retry.id, status: 'skipped', skippedFor: holder.id, trigger: 'retry' });
      expect(states.get(period)).toEqual({ jobId: holder.id, status: holderStatus, trigger: 'schedule' });
    });
  });

  describe('claimPeriod (force)', () => {
    it('takes over a succeeded period and records force: true', async () => {
      // Prepare
      const period = 'force-over-succeeded';
      const holder = periodJob('export', period, { trigger: 'schedule' });
      await ledger.claimPeriod(holder, 'first');
      await walk(holder, ['running', 'succeeded']);
      const forced = periodJob('export', period, { trigger: 'api', force: true, triggeredBy: 'ops-token' });

      // Act
      const result = await ledger.claimPeriod(forced, 'force');
      const stored = await ledger.get(forced.id);
      const states = await ledger.periodStates('export', [period]);

      // Assess
      expect(result).toEqual({ outcome: 'claimed', job: { ...forced, status: 'queued', artifacts: [] } });
      expect(stored).toEqual({ ...forced, status: 'queued', artifacts: [], force: true });
      expect(states.get(period)).toEqual({ jobId: forced.id, status: 'queued', trigger: 'api' });
      expect((await ledger.get(holder.id))?.status).toBe('succeeded');
    });

    it.each([
      { holderStatus: 'queued', path: [] },
      { holderStatus: 'running', path: ['running'] },
    ] as const)('throws RunInProgressError while the holder is $holderStatus and records nothing', async ({ holderStatus, path }) => {
      // Prepare
      const period = `force-in-progress-${holderStatus}`;
      const holder = periodJob('export', period, { trigger: 'schedule' });
      await ledger.claimPeriod(holder, 'first');
      await walk(holder, path);
      const forced = periodJob('export', period, { trigger: 'api', force: true });

      // Act
      const outcome = await ledger.claimPeriod(forced, 'force').catch((thrown: unknown) => thrown);
      const stored = await ledger.get(forced.id);
      const states = await ledger.periodStates('export', [period]);

      // Assess
      expect(outcome).toBeInstanceOf(RunInProgressError);
      expect(outcome).toMatchObject({ code: 'run_in_progress', existingJobId: holder.id });
      expect(stored).toBeUndefined();
      expect(states.get(period)).toEqual({ jobId: holder.id, status: holderStatus, trigger: 'schedule' });
    });
  });

  describe('periodStates', () => {
    it('mirrors the holder status as its run moves queued → running → succeeded', async () => {
      // Prepare
      const period = 'mirror-2026-11-21';
      const holder = periodJob('sampling-proof', period, { trigger: 'backfill' });
      const seen: (PeriodState | undefined)[] = [];

      // Act
      await ledger.claimPeriod(holder, 'first');
      seen.push((await ledger.periodStates('sampling-proof', [period])).get(period));
      await ledger.transition(holder, ['queued'], 'running', {});
      seen.push((await ledger.periodStates('sampling-proof', [period])).get(period));
      await ledger.transition(holder, ['running'], 'succeeded', {});
      seen.push((await ledger.periodStates('sampling-proof', [period])).get(period));

      // Assess
      expect(seen).toEqual([
        { jobId: holder.id, status: 'queued', trigger: 'backfill' },
        { jobId: holder.id, status: 'running', trigger: 'backfill' },
        { jobId: holder.id, status: 'succeeded', trigger: 'backfill' },
      ]);
    });

    it('reports 250 claimed periods at once (BatchGet chunks of 100) and omits the unclaimed ones', async () => {
      // Prepare
      const periods = days(250, '2024-01-01');
      const triggers = ['schedule', 'catch-up', 'backfill'] as const;
      const paths: readonly (readonly JobStatus[])[] = [[], ['running'], ['running', 'succeeded'], ['running', 'failed'], ['timed_out']];
      const holders = periods.map((period, index) => periodJob('snapshot', period, { trigger: triggers[index % 3]! }));
      await Promise.all(holders.map((holder) => ledger.claimPeriod(holder, 'first')));
      await Promise.all(holders.map((holder, index) => walk(holder, paths[index % paths.length]!)));
      const unclaimed = days(40, '2030-01-01');
      // Another type's claim of an asked-for period is not this type's.
      await ledger.claimPeriod(periodJob('rollup', unclaimed[0]!), 'first');
      const asked = [...unclaimed.slice(0, 20), ...periods, ...unclaimed.slice(20), periods[0]!, periods[249]!];

      // Act
      const states = await ledger.periodStates('snapshot', asked);

      // Assess
      const expected = new Map(
        holders.map((holder, index) => [
          holder.period,
          { jobId: holder.id, status: paths[index % paths.length]!.at(-1) ?? 'queued', trigger: triggers[index % 3]! },
        ]),
      );
      expect(states.size).toBe(250);
      expect(states).toEqual(expected);
      expect(states.get('2024-01-03')).toEqual({ jobId: holders[2]!.id, status: 'succeeded', trigger: 'backfill' });
      expect(unclaimed.some((period) => states.has(period))).toBe(false);
    });

    it('returns an empty map when nothing was asked or nothing is claimed', async () => {
      // Act
      const none = await ledger.periodStates('rollup', []);
      const unclaimed = await ledger.periodStates('rollup', days(5, '2031-01-01'));

      // Assess
      expect(none.size).toBe(0);
      expect(unclaimed.size).toBe(0);
    });
  });
});
