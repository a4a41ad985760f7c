import { durationMs, type CatchUpMode, type NightshiftConfig } from '../config';
import type { ScheduledTask } from './scheduled-task';

/** A schedule's catch-up policy with every default filled in. */
export interface CatchUpPolicy {
  mode: CatchUpMode;
  /** As written (`7d`), for display; `windowMs` is what the sweeper uses. */
  window: string;
  windowMs: number;
  maxPerSweep: number;
}

/**
 * The policy the sweeper applies to a schedule: its own `catchUp` settings over the `sweeper`
 * section's (the window and cap that were global before). A period schedule makes up `all`
 * missed periods by default, as it always did; a schedule without a period makes up none, as it
 * never did, unless it says so.
 */
export function catchUpPolicy(task: Pick<ScheduledTask, 'period' | 'catchUp'>, sweeper: NightshiftConfig['sweeper']): CatchUpPolicy {
  const window = task.catchUp?.window ?? `${sweeper.catchUpWindowDays}d`;
  return {
    mode: task.catchUp?.mode ?? (task.period === 'none' ? 'none' : 'all'),
    window,
    // The schema checked the shape; `0d` (a zero global window) is the only value durationMs refuses.
    windowMs: durationMs(window) ?? 0,
    maxPerSweep: task.catchUp?.maxPerSweep ?? sweeper.maxCatchUpPerSweep,
  };
}
