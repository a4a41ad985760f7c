import type { JobDependencies } from '../definition';
import type { ScheduledTask } from '../scheduled-task';
import { isSuccessful } from '../states';
import { scheduleSlots, type SlotRun } from './schedule-slots';

/** Looked back through in steps, newest first, until both runs are found: 1 day, a week, five weeks. */
const LOOKBACK_STEPS_MS = [86_400_000, 7 * 86_400_000, 35 * 86_400_000];
const MAX_SLOTS_PER_STEP = 2000;

export interface LatestScheduleRuns {
  /** The run standing for the newest slot that has one, whatever started it. */
  lastRun?: SlotRun;
  /** The same, among runs that succeeded or ended with a warning. */
  lastSuccess?: SlotRun;
}

/**
 * A schedule's last run and last success, read through its slots (so a catch-up, a backfill or a
 * manual run of its period counts, as its own deliveries do): by key, a bounded number of slots,
 * never a walk through the job type's runs.
 */
export async function latestScheduleRuns(
  deps: Pick<JobDependencies, 'ledger' | 'config' | 'clock'>,
  task: ScheduledTask,
  anchor: Date,
): Promise<LatestScheduleRuns> {
  const now = deps.clock.now().getTime();
  const found: LatestScheduleRuns = {};
  let to = now;
  for (const reach of LOOKBACK_STEPS_MS) {
    const from = now - reach;
    const { slots } = await scheduleSlots(deps, task, { from: new Date(from), to: new Date(to) }, { anchor, limit: MAX_SLOTS_PER_STEP });
    for (const slot of [...slots].reverse()) {
      if (!slot.run || slot.run.status === 'skipped') continue;
      found.lastRun ??= slot.run;
      if (isSuccessful(slot.run.status)) {
        found.lastSuccess ??= slot.run;
        return found;
      }
    }
    to = from;
  }
  return found;
}
