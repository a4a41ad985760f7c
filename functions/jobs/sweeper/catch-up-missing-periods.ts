import type { ScheduledTask } from '../../core/jobs/scheduled-task';
import type { JobDependencies } from '../../core/jobs/definition';
import type { Logger } from '../../core/jobs/logger';
import { createRun } from '../../core/jobs/lifecycle/create-run';
import { invokeOrFailRun } from '../../core/jobs/lifecycle/fail-unstarted-run';
import { periodForSlot } from '../../core/jobs/schedule-period';
import { isActive, isSuccessful } from '../../core/jobs/states';
import { intendedSlotsBetween } from '../../core/time/schedule';

/** Per schedule, at most this many slots are examined in one sweep. */
const MAX_SLOTS_PER_SCHEDULE = 2000;

export interface MissingPeriod {
  schedule: string;
  type: ScheduledTask['type'];
  period: string;
  scheduledFor: string;
  params: Record<string, unknown>;
  /** Why it counts as missing: never claimed, or its only run failed. */
  reason: 'never_ran' | 'failed';
  /** The failed run holding the period, which the catch-up run replaces. */
  replaces?: string;
}

export interface CatchUpReport {
  started: { type: string; period: string; jobId: string }[];
  missing: number;
}

/**
 * Slots that the schedules say should have fired (DST gaps, outages, lost deliveries) and whose
 * period has no successful run. A period whose run failed is retried once by catch-up; after
 * that it waits for an operator (backfill or force), so a broken job cannot loop forever.
 * Slots before the first start (`catchUpFrom`) were never due: a new deployment or an empty
 * local start does not catch up a week of periods it never had.
 */
export async function findMissingPeriods(deps: JobDependencies, tasks: readonly ScheduledTask[]): Promise<MissingPeriod[]> {
  const { config, clock } = deps;
  const now = clock.now();
  const to = new Date(now.getTime() - config.sweeper.settleMinutes * 60_000);
  const from = await catchUpFrom(deps, now);
  const missing: MissingPeriod[] = [];
  for (const task of tasks) {
    if (!task.enabled || task.period === 'none') continue;
    const slots = intendedSlotsBetween(task.expression, from, to, { timezone: task.timezone }, MAX_SLOTS_PER_SCHEDULE);
    const byPeriod = new Map<string, string>();
    for (const slot of slots) {
      const period = periodForSlot(config, task.period, slot.toISOString(), task.name);
      if (period !== undefined && !byPeriod.has(period)) byPeriod.set(period, slot.toISOString());
    }
    const states = await deps.ledger.periodStates(task.type, [...byPeriod.keys()]);
    for (const [period, scheduledFor] of byPeriod) {
      const state = states.get(period);
      const done = state && (isSuccessful(state.status) || isActive(state.status));
      if (done) continue;
      if (state && state.trigger === 'catch-up') continue;
      missing.push({ schedule: task.name, type: task.type, period, scheduledFor, params: task.params, ...(state ? { reason: 'failed', replaces: state.jobId } : { reason: 'never_ran' }) });
    }
  }
  return missing.sort((a, b) => a.scheduledFor.localeCompare(b.scheduledFor));
}

/**
 * The catch-up window's start: `catchUpWindowDays` back, but never before the first start. That
 * is the earliest deploy time the ledger has recorded (the sweeper records its own deploy time,
 * the local cloud its start); dependencies without a deploy time (tests) keep the whole window.
 */
async function catchUpFrom(deps: JobDependencies, now: Date): Promise<Date> {
  const windowStart = new Date(now.getTime() - deps.config.sweeper.catchUpWindowDays * 86_400_000);
  if (deps.deployedAt === undefined) return windowStart;
  const firstStart = await deps.ledger.recordFirstStart(deps.deployedAt);
  return firstStart.getTime() > windowStart.getTime() ? firstStart : windowStart;
}

/** Starts catch-up runs for the oldest missing periods, at most `maxCatchUpPerSweep` per sweep. */
export async function catchUpMissingPeriods(
  deps: JobDependencies,
  tasks: readonly ScheduledTask[],
  log: Logger,
  signal: AbortSignal,
): Promise<CatchUpReport> {
  const missing = await findMissingPeriods(deps, tasks);
  const started: CatchUpReport['started'] = [];
  for (const gap of missing.slice(0, deps.config.sweeper.maxCatchUpPerSweep)) {
    signal.throwIfAborted();
    const created = await createRun(deps, {
      type: gap.type,
      trigger: 'catch-up',
      triggeredBy: 'sweeper',
      params: gap.params,
      period: gap.period,
      scheduledFor: gap.scheduledFor,
      ...(gap.replaces !== undefined ? { replaces: gap.replaces } : {}),
    });
    if (created.outcome === 'skipped') continue;
    // Not accepted: the run is failed and the sweep fails visibly.
    await invokeOrFailRun(deps, created.job, { trigger: 'catch-up', triggeredBy: 'sweeper' });
    started.push({ type: gap.type, period: gap.period, jobId: created.job.id });
    log.info('caught up a missing period', { catchUpJobId: created.job.id, catchUpType: gap.type, period: gap.period, reason: gap.reason });
  }
  return { started, missing: missing.length };
}
