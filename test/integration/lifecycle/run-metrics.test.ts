import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as z from 'zod';
import { catalogEntry, scheduledTasks } from '../../../functions/catalog';
import type { JobDependencies } from '../../../functions/core/jobs/definition';
import { executeRun, type ExecutionLimits } from '../../../functions/core/jobs/execute-run';
import { handleInvocation } from '../../../functions/core/jobs/handle-invocation';
import type { JobType } from '../../../functions/core/jobs/job-types';
import { silentLogger } from '../../../functions/core/jobs/logger';
import type { RunEnded, RunMetrics } from '../../../functions/core/jobs/run-metrics';
import { publishJobHealth } from '../../../functions/jobs/sweeper/publish-job-health';
import { publishSlotsMissed } from '../../../functions/jobs/sweeper/publish-slots-missed';
import { createRun } from '../../../functions/core/jobs/lifecycle/create-run';
import { timeOutStaleRuns } from '../../../functions/jobs/sweeper/time-out-stale-runs';
import { FakeClock } from '../../helpers/clock';
import { fakeJob, newJob, testConfig, testDependencies } from '../../helpers/jobs';
import { createTestStorage, type TestStorage } from '../../helpers/storage';

const START = '2026-11-23T12:00:00.000Z';
const ROOMY: ExecutionLimits = { remainingMs: 900_000, marginMs: 5_000 };

/** Keeps what the lifecycle reports, in order. */
class RecordingRunMetrics implements RunMetrics {
  readonly ended: RunEnded[] = [];
  readonly health: Array<{ type: JobType; healthy: boolean }> = [];
  recordRunEnded(run: RunEnded): void {
    this.ended.push(run);
  }
  recordJobHealth(type: JobType, healthy: boolean): void {
    this.health.push({ type, healthy });
  }
  readonly slotsMissed: Array<{ schedule: string; count: number }> = [];
  recordSlotsMissed(schedule: string, count: number): void {
    this.slotsMissed.push({ schedule, count });
  }
}

describe('run metrics from the lifecycle', () => {
  let storage: TestStorage;

  function deps(metrics: RunMetrics | undefined, config = testConfig()): JobDependencies & { clock: FakeClock } {
    const base = testDependencies(storage, { clock: new FakeClock(START), config });
    return metrics ? { ...base, runMetrics: metrics } : base;
  }

  beforeAll(async () => {
    storage = await createTestStorage('lifecycle-run-metrics');
  });

  afterAll(async () => {
    await storage.destroy();
  });

  it('reports a finished run once, with its type, status, duration and rows from the summary', async () => {
    // Prepare
    const metrics = new RecordingRunMetrics();
    const d = deps(metrics);
    const queued = await d.ledger.enqueue(newJob({ type: 'export' }, d.clock));
    const job = fakeJob(async () => {
      d.clock.advance(2_500);
      return { summary: { rows: 42 } };
    }, { type: 'export', rowsSummaryField: catalogEntry('export').rowsSummaryField });

    // Act
    const finished = await executeRun(job, queued, d, ROOMY);
    const again = await executeRun(job, queued, d, ROOMY);

    // Assess
    expect(finished.status).toBe('succeeded');
    expect(again.status).toBe('succeeded');
    expect(metrics.ended).toEqual([{ type: 'export', status: 'succeeded', durationMs: 2_500, rows: 42 }]);
  });

  it('reports a failed run and a run refused for bad params', async () => {
    // Prepare
    const metrics = new RecordingRunMetrics();
    const d = deps(metrics);
    const failing = fakeJob(async () => {
      throw new Error('boom');
    });
    const strict = fakeJob(async () => ({}), { params: z.record(z.string(), z.unknown()).refine(() => false, 'never valid') });
    const first = await d.ledger.enqueue(newJob({}, d.clock));
    const second = await d.ledger.enqueue(newJob({}, d.clock));

    // Act
    await executeRun(failing, first, d, ROOMY);
    await executeRun(strict, second, d, ROOMY);

    // Assess
    expect(metrics.ended.map((run) => [run.type, run.status])).toEqual([
      ['sweeper', 'failed'],
      ['sweeper', 'failed'],
    ]);
  });

  it('reports a run the sweeper times out, as timed_out', async () => {
    // Prepare
    const metrics = new RecordingRunMetrics();
    const d = deps(metrics);
    const queued = await d.ledger.enqueue(newJob({ type: 'rollup' }, d.clock));
    await d.ledger.transition(queued, ['queued'], 'running', { startedAt: '2026-11-23T11:00:00.000Z', deadlineAt: '2026-11-23T11:15:00.000Z' });

    // Act
    await timeOutStaleRuns(d, silentLogger, new AbortController().signal);

    // Assess
    expect(metrics.ended).toEqual([{ type: 'rollup', status: 'timed_out', durationMs: 3_600_000 }]);
  });

  it('reports a duplicate delivery whose period is already claimed as skipped (Scheduler delivers at least once)', async () => {
    // Prepare: found by the deploy rehearsal; these skipped runs never reached RunsEnded.
    const metrics = new RecordingRunMetrics();
    const d = deps(metrics);
    const job = fakeJob(async () => ({}), { type: 'snapshot' });
    const delivery = { type: 'snapshot', trigger: 'schedule', period: '2026-11-22', scheduledFor: '2026-11-23T11:00:00Z' };

    // Act
    const first = await handleInvocation(job, delivery, d, ROOMY);
    const duplicate = await handleInvocation(job, delivery, d, ROOMY);

    // Assess
    expect([first.outcome, duplicate.outcome]).toEqual(['ran', 'skipped']);
    expect(metrics.ended.map((run) => [run.type, run.status])).toEqual([
      ['snapshot', 'succeeded'],
      ['snapshot', 'skipped'],
    ]);
  });

  it('runs without a metrics port', async () => {
    // Prepare
    const d = deps(undefined);
    // Not a sweeper run: its success would make the sweeper look healthy below.
    const queued = await d.ledger.enqueue(newJob({ type: 'export' }, d.clock));

    // Act
    const finished = await executeRun(fakeJob(async () => ({}), { type: 'export' }), queued, d, ROOMY);

    // Assess
    expect(finished.status).toBe('succeeded');
  });

  describe('publishJobHealth', () => {
    const config = testConfig({
      schedules: {
        sweeper: { job: 'sweeper', expression: 'rate(5 minutes)' },
        'script-hourly': { job: 'script-run', expression: 'rate(1 hour)', params: { script: 'events-summary', args: { input: 'events/dt=2026-11-01/hour=00/a.ndjson.gz' } } },
      },
    });

    it('publishes the health rule per scheduled type: fresh success healthy, none since long after deploy unhealthy', async () => {
      // Prepare
      const metrics = new RecordingRunMetrics();
      const d = { ...deps(metrics, config), deployedAt: new Date('2026-11-01T00:00:00.000Z') };
      const recent = await d.ledger.enqueue(newJob({ type: 'script-run' }, d.clock));
      await d.ledger.transition(recent, ['queued'], 'running', { startedAt: START });
      await d.ledger.transition(recent, ['running'], 'succeeded', { finishedAt: START, durationMs: 0 });

      // Act
      const verdicts = await publishJobHealth(d, scheduledTasks(config));

      // Assess
      expect(verdicts).toEqual({ sweeper: false, 'script-run': true });
      expect(metrics.health).toEqual([
        { type: 'sweeper', healthy: false },
        { type: 'script-run', healthy: true },
      ]);
    });

    it('gives a fresh deploy the same grace as GET /health', async () => {
      // Prepare
      const metrics = new RecordingRunMetrics();
      const d = { ...deps(metrics, config), deployedAt: new Date(START) };

      // Act
      const verdicts = await publishJobHealth(d, scheduledTasks(config));

      // Assess
      expect(verdicts).toEqual({ sweeper: true, 'script-run': true });
    });

    it('publishes nothing without a metrics port or a deploy time', async () => {
      // Prepare
      const d = deps(undefined, config);

      // Act
      const verdicts = await publishJobHealth(d, scheduledTasks(config));

      // Assess
      expect(verdicts).toEqual({});
    });
  });

  describe('publishSlotsMissed', () => {
    const config = testConfig({
      schedules: {
        sweeper: { job: 'sweeper', expression: 'rate(5 minutes)' },
        'rollup-hourly': { job: 'rollup', expression: 'cron(5 * * * ? *)' },
      },
    });

    it("publishes per cron schedule the last day's slots with no run, leaving rate() schedules out", async () => {
      // Prepare: 24 hourly slots in the last day; one delivered.
      const metrics = new RecordingRunMetrics();
      const d = { ...deps(metrics, config), deployedAt: new Date('2026-11-01T00:00:00.000Z') };
      await createRun(d, { type: 'rollup', trigger: 'schedule', triggeredBy: 'rollup-hourly', scheduleName: 'rollup-hourly', scheduledFor: '2026-11-23T11:05:00.000Z', params: {} });

      // Act
      const counts = await publishSlotsMissed(d, scheduledTasks(config));

      // Assess
      expect(counts).toEqual({ 'rollup-hourly': 23 });
      expect(metrics.slotsMissed).toEqual([{ schedule: 'rollup-hourly', count: 23 }]);
    });

    it('publishes nothing without a metrics port', async () => {
      // Act
      const counts = await publishSlotsMissed({ ...deps(undefined, config), deployedAt: new Date(START) }, scheduledTasks(config));

      // Assess
      expect(counts).toEqual({});
    });
  });
});
