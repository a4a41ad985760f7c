import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jobHealth, type HealthInput, type HealthSchedule } from '../../../functions/core/jobs/health';
import { formatLocalTimeNamed } from '../../../functions/core/time/display';
import type { JobLedger } from '../../../functions/core/jobs/ports';
import type { JobRecord } from '../../../functions/core/jobs/record';
import type { JobType } from '../../../functions/core/jobs/job-types';
import type { JobStatus } from '../../../functions/core/jobs/states';
import { FakeClock } from '../../helpers/clock';
import { newJob, testDependencies } from '../../helpers/jobs';
import { createTestStorage, type TestStorage } from '../../helpers/storage';

/** Tuesday 2026-11-24 12:00 PST: no DST change within days of it. */
const NOW = new Date('2026-11-24T20:00:00.000Z');
const HOUR = 3_600_000;
const ago = (ms: number): Date => new Date(NOW.getTime() - ms);

const hourly: HealthSchedule = { name: 'rollup-hourly', expression: 'rate(1 hour)', timezone: 'America/Los_Angeles', enabled: true };
const daily = (name: string): HealthSchedule => ({ name, expression: 'cron(0 3 * * ? *)', timezone: 'America/Los_Angeles', enabled: true });

describe('jobHealth', () => {
  let storage: TestStorage;
  let ledger: JobLedger;
  let ranToTheEnd: HealthInput['ranToTheEnd'];

  beforeAll(async () => {
    storage = await createTestStorage('lifecycle-health');
    // The catalog's rule, as the runtime hands it to the API and the sweeper.
    ({ ledger, catalog: { ranToTheEnd } } = testDependencies(storage));
  });

  afterAll(async () => {
    await storage.destroy();
  });

  function input(deployedAt: Date, graceMinutes = 30): HealthInput {
    return { ledger, now: NOW, deployedAt, graceMs: graceMinutes * 60_000, ranToTheEnd, timezone: 'America/Los_Angeles' };
  }

  /** A run of `type` created at `createdAt` that ended in `status`. */
  async function runAt(type: JobType, createdAt: Date, status: JobStatus, exitCode?: number, trigger?: { trigger: 'fan-out'; triggeredBy: string }): Promise<JobRecord> {
    const job = await ledger.enqueue(newJob({ type, ...trigger }, new FakeClock(createdAt)));
    const running = await ledger.transition(job, ['queued'], 'running', {});
    return ledger.transition(running, ['running'], status, { finishedAt: new Date(createdAt.getTime() + 60_000).toISOString(), ...(exitCode !== undefined ? { exitCode } : {}) });
  }

  describe('the sampling proof', () => {
    it('counts a critical proof (failed, exit code 2) as a run that did its work, but not as a success, and not one that could not compute (exit code 3)', async () => {
      // Prepare: three nights ago the proof passed; the night before last it could not be computed; last night it was critical.
      const passed = await runAt('sampling-proof', ago(64 * HOUR), 'succeeded', 0);
      await runAt('sampling-proof', ago(40 * HOUR), 'failed', 3);
      const critical = await runAt('sampling-proof', ago(17 * HOUR), 'failed', 2);

      // Act
      const health = await jobHealth(input(ago(30 * 24 * HOUR)), 'sampling-proof', [daily('sampling-proof-daily')]);

      // Assess
      expect(health.healthy).toBe(true);
      expect(health.reason).toBe('ran to the end within 2× its interval (2 d): failed, which a sampling-proof run counts as done');
      expect(health.lastCompleted?.id).toBe(critical.id);
      expect(health.lastSuccess).toMatchObject({ id: passed.id, status: 'succeeded' });
      expect(health.lastRun?.status).toBe('failed');
    });
  });

  describe('a scheduled job type', () => {
    it('is healthy without any run while the deploy is within its grace period and first window', async () => {
      // Prepare: hourly, so stale after 2 h; deployed 20 minutes ago with 30 minutes of grace.
      const deployedAt = ago(20 * 60_000);

      // Act
      const health = await jobHealth(input(deployedAt), 'rollup', [hourly]);

      // Assess
      expect(health).toEqual({
        healthy: true,
        reason: `deployed recently: judged from ${formatLocalTimeNamed(new Date(deployedAt.getTime() + 30 * 60_000 + 2 * HOUR), 'America/Los_Angeles')}`,
        schedules: ['rollup-hourly'],
        intervalMs: HOUR,
        lastRun: null,
        lastSuccess: null,
        lastCompleted: null,
      });
      expect(health.reason).toMatch(/judged from 2026-11-24 \d\d:\d\d:\d\d -08:00 America\/Los_Angeles$/);
    });

    it('is unhealthy without any success once grace and twice the interval have passed since the deploy', async () => {
      // Prepare: deployed 2 h 31 min ago > 30 min grace + 2 h.
      const deployedAt = ago(2 * HOUR + 31 * 60_000);

      // Act
      const health = await jobHealth(input(deployedAt), 'rollup', [hourly]);

      // Assess
      expect(health.healthy).toBe(false);
      expect(health.reason).toBe('no run ran to the end within 2× its interval (2 h), nor any in recent runs');
    });

    it('is unhealthy, naming the last success, when that success is older than twice the interval', async () => {
      // Prepare: daily, stale after 48 h; the last success was 3 days ago and a failure came since.
      const success = await runAt('export', ago(72 * HOUR), 'succeeded');
      const failure = await runAt('export', ago(24 * HOUR), 'failed');

      // Act
      const health = await jobHealth(input(ago(30 * 24 * HOUR)), 'export', [daily('export-daily')]);

      // Assess
      expect(health).toEqual({
        healthy: false,
        reason: `no run ran to the end within 2× its interval (2 d); the last that did was created ${formatLocalTimeNamed(success.createdAt, 'America/Los_Angeles')}`,
        schedules: ['export-daily'],
        intervalMs: 24 * HOUR,
        lastRun: { id: failure.id, status: 'failed', createdAt: failure.createdAt, finishedAt: failure.finishedAt },
        lastSuccess: { id: success.id, status: 'succeeded', createdAt: success.createdAt, finishedAt: success.finishedAt },
        lastCompleted: { id: success.id, status: 'succeeded', createdAt: success.createdAt, finishedAt: success.finishedAt },
      });
    });

    it('is healthy after a recent success, up to exactly twice the interval', async () => {
      // Prepare: a success exactly 48 h ago for a daily schedule.
      const success = await runAt('snapshot', ago(48 * HOUR), 'succeeded');

      // Act
      const health = await jobHealth(input(ago(30 * 24 * HOUR)), 'snapshot', [daily('snapshot-daily')]);

      // Assess
      expect(health.healthy).toBe(true);
      expect(health.reason).toBe('succeeded within 2× its interval (2 d)');
      expect(health.lastSuccess?.id).toBe(success.id);
      expect(health.lastRun?.id).toBe(success.id);
    });

    it('counts a warning as a success and judges by the shortest enabled schedule', async () => {
      // Prepare: an hourly and a daily schedule; a warning 90 minutes ago is within 2 × 1 h.
      const warning = await runAt('sampling-proof', ago(90 * 60_000), 'warning');

      // Act
      const health = await jobHealth(input(ago(30 * 24 * HOUR)), 'sampling-proof', [daily('proof-daily'), { ...hourly, name: 'proof-hourly' }]);

      // Assess
      expect(health.healthy).toBe(true);
      expect(health.intervalMs).toBe(HOUR);
      expect(health.schedules).toEqual(['proof-daily', 'proof-hourly']);
      expect(health.lastSuccess).toMatchObject({ id: warning.id, status: 'warning' });
    });
  });

  describe('a job type without schedules', () => {
    it('is healthy because it runs on demand, even with only failures and long after the deploy', async () => {
      // Prepare
      const failure = await runAt('script-run', ago(10 * 24 * HOUR), 'failed');

      // Act
      const health = await jobHealth(input(ago(365 * 24 * HOUR)), 'script-run', []);

      // Assess
      expect(health).toEqual({
        healthy: true,
        reason: 'runs on demand (no enabled schedule)',
        schedules: [],
        lastRun: { id: failure.id, status: 'failed', createdAt: failure.createdAt, finishedAt: failure.finishedAt },
        lastSuccess: null,
        lastCompleted: null,
      });
    });

    it('treats a type whose only schedules are disabled as on demand', async () => {
      // Prepare
      const disabled: HealthSchedule = { ...hourly, name: 'sweeper-off', enabled: false };

      // Act
      const health = await jobHealth(input(ago(365 * 24 * HOUR)), 'sweeper', [disabled]);

      // Assess
      expect(health.healthy).toBe(true);
      expect(health.reason).toBe('runs on demand (no enabled schedule)');
      expect(health.schedules).toEqual([]);
      expect(health.intervalMs).toBeUndefined();
    });
  });

  describe("the rollup's partition workers", () => {
    it('are parts of their coordinating run, not runs of the rollup: a worker that succeeded after its rollup failed does not make the rollup healthy', async () => {
      // Prepare: hourly, stale after 2 h; the last whole rollup succeeded 5 h ago, the last one failed
      // an hour ago, and one of its partition workers succeeded after it.
      const success = await runAt('rollup', ago(5 * HOUR), 'succeeded');
      const failed = await runAt('rollup', ago(1 * HOUR), 'failed');
      await runAt('rollup', ago(1 * HOUR - 60_000), 'succeeded', undefined, { trigger: 'fan-out', triggeredBy: `rollup ${failed.id}` });

      // Act
      const health = await jobHealth(input(ago(30 * 24 * HOUR)), 'rollup', [{ name: 'rollup-hourly', expression: 'cron(5 * * * ? *)', timezone: 'UTC', enabled: true }]);

      // Assess
      expect(health.healthy).toBe(false);
      expect(health.lastRun?.id).toBe(failed.id);
      expect(health.lastSuccess?.id).toBe(success.id);
    });
  });

});
