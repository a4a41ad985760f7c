import type { ScheduledTask } from '../../core/jobs/scheduled-task';
import type { JobDependencies } from '../../core/jobs/definition';
import type { Logger } from '../../core/jobs/logger';
import { catchUpPolicy } from '../../core/jobs/catch-up-policy';
import { createRun } from '../../core/jobs/lifecycle/create-run';
import { invokeOrFailRun } from '../../core/jobs/lifecycle/fail-unstarted-run';
import { scheduleSlots, type ScheduleSlot } from '../../core/jobs/slots/schedule-slots';
import { isActive, isSuccessful } from '../../core/jobs/states';

/** Per schedule, at most this many slots are examined in one sweep. */
const MAX_SLOTS_PER_SCHEDULE = 2000;

export interface MissingPeriod {
  schedule: string;
  type: ScheduledTask['type'];
  /** The period the slot covers; absent for a schedule without a period (its slot is the key). */
  period?: string;
  scheduledFor: string;
  params: Record<string, unknown>;
  /** Why it counts as missing: never ran (missed, a DST gap, dead-lettered), or its only run failed. */
  reason: 'never_ran' | 'failed';
  /** The failed run holding the period, which the catch-up run replaces. */
  replaces?: string;
}

export interface CatchUpReport {
  started: { type: string; schedule: string; period?: string; scheduledFor: string; jobId: string }[];
  missing: number;
}

/**
 * The slots each schedule's catch-up policy (`catchUpPolicy`) says to make up, oldest first: in
 * the schedule's window, slots the slot ledger finds without a run (outages, DST gaps, lost or
 * dead-lettered deliveries) and periods whose only run failed. A period whose run failed is
 * retried once by catch-up; after that it waits for an operator (backfill or force), so a broken
 * job cannot loop forever. Mode `latest` keeps only the newest slot, and only when it is the one
 * missing. Slots before the first start were never due: a new deployment or an empty local
 * start does not catch up a week of periods it never had.
 */
export async function findMissingPeriods(deps: JobDependencies, tasks: readonly ScheduledTask[]): Promise<MissingPeriod[]> {
  const { config, clock } = deps;
  const now = clock.now();
  const to = new Date(now.getTime() - config.sweeper.settleMinutes * 60_000);
  const firstStart = deps.deployedAt === undefined ? undefined : await deps.ledger.recordFirstStart(deps.deployedAt);
  const missing: MissingPeriod[] = [];
  for (const task of tasks) {
    const policy = catchUpPolicy(task, config.sweeper);
    if (!task.enabled || policy.mode === 'none') continue;
    const windowStart = now.getTime() - policy.windowMs;
    const from = new Date(firstStart === undefined ? windowStart : Math.max(windowStart, firstStart.getTime()));
    const anchor = deps.deployedAt ?? new Date(0);
    const { slots } = await scheduleSlots(deps, task, { from, to }, { anchor, limit: MAX_SLOTS_PER_SCHEDULE });
    const perKey = firstSlotPerPeriod(slots);
    const candidates = perKey.flatMap((slot) => missingOf(task, slot) ?? []);
    if (policy.mode === 'all') missing.push(...candidates);
    else {
      const newest = perKey[perKey.length - 1];
      const latest = candidates[candidates.length - 1];
      if (latest && newest && latest.scheduledFor === newest.scheduledFor) missing.push(latest);
    }
  }
  return missing.sort((a, b) => a.scheduledFor.localeCompare(b.scheduledFor));
}

/**
 * A period is the schedule's once: its first slot speaks for it (later ones find it taken). A gap
 * slot at the instant of the slot after the gap (an hourly 02:05 → 03:05) gives way to that slot,
 * whose delivery holds the key they share.
 */
function firstSlotPerPeriod(slots: readonly ScheduleSlot[]): ScheduleSlot[] {
  const first = new Map<string, ScheduleSlot>();
  for (const slot of slots) {
    const key = slot.period ?? slot.scheduledFor;
    const kept = first.get(key);
    if (!kept || (kept.dstGap && kept.scheduledFor === slot.scheduledFor)) first.set(key, slot);
  }
  return [...first.values()];
}

function missingOf(task: ScheduledTask, slot: ScheduleSlot): MissingPeriod | undefined {
  const base = { schedule: task.name, type: task.type, ...(slot.period !== undefined ? { period: slot.period } : {}), scheduledFor: slot.scheduledFor, params: task.params };
  const { run } = slot;
  if (!run) return slot.fate === 'not_yet' ? undefined : { ...base, reason: 'never_ran' };
  // A slot without a period is held by its mark for good: only a period can be taken over.
  if (slot.period === undefined || isSuccessful(run.status) || isActive(run.status) || run.trigger === 'catch-up') return undefined;
  return { ...base, reason: 'failed', replaces: run.id };
}

/** Starts catch-up runs for the oldest missing slots, at most each schedule's `maxPerSweep` per sweep. */
export async function catchUpMissingPeriods(
  deps: JobDependencies,
  tasks: readonly ScheduledTask[],
  log: Logger,
  signal: AbortSignal,
): Promise<CatchUpReport> {
  const missing = await findMissingPeriods(deps, tasks);
  const started: CatchUpReport['started'] = [];
  const startedPerSchedule = new Map<string, number>();
  for (const gap of missing) {
    const task = tasks.find((candidate) => candidate.name === gap.schedule);
    const cap = task ? catchUpPolicy(task, deps.config.sweeper).maxPerSweep : 0;
    const count = startedPerSchedule.get(gap.schedule) ?? 0;
    if (count >= cap) continue;
    signal.throwIfAborted();
    const created = await createRun(deps, {
      type: gap.type,
      trigger: 'catch-up',
      triggeredBy: 'sweeper',
      params: gap.params,
      scheduledFor: gap.scheduledFor,
      scheduleName: gap.schedule,
      ...(gap.period !== undefined ? { period: gap.period } : {}),
      ...(gap.replaces !== undefined ? { replaces: gap.replaces } : {}),
    });
    startedPerSchedule.set(gap.schedule, count + 1);
    if (created.outcome === 'skipped') continue;
    // Not accepted: the run is failed and the sweep fails visibly.
    await invokeOrFailRun(deps, created.job, { trigger: 'catch-up', triggeredBy: 'sweeper' });
    started.push({ type: gap.type, schedule: gap.schedule, ...(gap.period !== undefined ? { period: gap.period } : {}), scheduledFor: gap.scheduledFor, jobId: created.job.id });
    log.info('caught up a missed slot', { catchUpJobId: created.job.id, catchUpType: gap.type, schedule: gap.schedule, period: gap.period, scheduledFor: gap.scheduledFor, reason: gap.reason });
  }
  return { started, missing: missing.length };
}
