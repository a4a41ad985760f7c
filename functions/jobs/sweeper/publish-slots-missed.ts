import type { ScheduledTask } from '../../core/jobs/scheduled-task';
import type { JobDependencies } from '../../core/jobs/definition';
import { missedFates, scheduleSlots } from '../../core/jobs/slots/schedule-slots';

/** The slots a sweep counts: the last day's, so a miss pages once it settles and clears a day later or once made up. */
const LOOKBACK_MS = 86_400_000;
const MAX_SLOTS = 2000;

/**
 * Publishes SlotsMissed per enabled schedule: its slots of the last day (never before the first
 * start) whose fate is `missing`, `skipped` (a DST gap not made up) or `dead_lettered`, read after
 * this sweep's catch-up, so a slot the sweeper just made up does not count. rate() schedules are
 * left out: their slots count from the deploy, which a redeploy moves while the deployed schedule
 * keeps its own start. Nothing is published without a metrics port or a deploy time.
 */
export async function publishSlotsMissed(deps: JobDependencies, tasks: readonly ScheduledTask[]): Promise<Record<string, number>> {
  const { runMetrics, deployedAt } = deps;
  if (!runMetrics || !deployedAt) return {};
  const now = deps.clock.now();
  const firstStart = await deps.ledger.recordFirstStart(deployedAt);
  const from = new Date(Math.max(now.getTime() - LOOKBACK_MS, firstStart.getTime()));
  const counts: Record<string, number> = {};
  for (const task of tasks) {
    if (!task.enabled || task.expression.startsWith('rate(')) continue;
    const { slots } = await scheduleSlots(deps, task, { from, to: now }, { anchor: deployedAt, limit: MAX_SLOTS });
    const missed = slots.filter((slot) => missedFates.includes(slot.fate)).length;
    runMetrics.recordSlotsMissed(task.name, missed);
    counts[task.name] = missed;
  }
  return counts;
}
