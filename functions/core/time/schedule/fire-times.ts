import { cronFiresAfter, cronFiresBefore, cronSlotsAfter } from './cron-iterate';
import { toScheduleExpression } from './parse';
import type { AtSchedule, FireTimeOptions, RateSchedule, ScheduleExpression } from './types';
import { ZoneClock } from './zone';

const clocks = new Map<string, ZoneClock>();

/** One clock per zone, so its per-day offset cache survives across calls. */
export function clockFor(timezone: string): ZoneClock {
  let clock = clocks.get(timezone);
  if (!clock) {
    clock = new ZoneClock(timezone);
    if (clocks.size >= 64) clocks.clear();
    clocks.set(timezone, clock);
  }
  return clock;
}

function millis(date: Date, name: string): number {
  const ms = date instanceof Date ? date.getTime() : Number.NaN;
  if (Number.isNaN(ms)) throw new RangeError(`${name} must be a valid Date, got ${String(date)}`);
  return ms;
}

function anchorMs(options: FireTimeOptions): number {
  return options.anchor === undefined ? 0 : millis(options.anchor, 'options.anchor');
}

/**
 * The instant an `at()` fires: its wall time in the zone, at the first occurrence if the time
 * happens twice. A wall time inside a spring-forward gap never fires — the same "nonexistent
 * times are skipped" rule EventBridge documents for cron (AWS does not document at() here).
 */
export function atInstant(at: AtSchedule, clock: ZoneClock): number | undefined {
  const { year, month, day, hour, minute, second } = at.parts;
  return clock.occurrences(year, month, day, hour, minute, second)[0];
}

function* rateFiresAfter(rate: RateSchedule, anchor: number, afterMs: number): Generator<number> {
  // The anchor is the first fire; nothing fires before it.
  let k = afterMs < anchor ? 0 : Math.floor((afterMs - anchor) / rate.intervalMs) + 1;
  for (;;) yield anchor + k++ * rate.intervalMs;
}

/** Fire instants strictly after `afterMs`, ascending; unbounded for rate(), so consumers must stop. */
function* firesAfter(expression: ScheduleExpression, afterMs: number, options: FireTimeOptions): Generator<number> {
  const clock = clockFor(options.timezone);
  switch (expression.kind) {
    case 'cron':
      yield* cronFiresAfter(expression, clock, afterMs);
      return;
    case 'rate':
      yield* rateFiresAfter(expression, anchorMs(options), afterMs);
      return;
    case 'at': {
      const at = atInstant(expression, clock);
      if (at !== undefined && at > afterMs) yield at;
      return;
    }
  }
}

/**
 * The next `count` fire times strictly after `after`, ascending. Fewer when the schedule ends:
 * an at() fires once, a cron's year field ends at 2199 at the latest, and a cron that can never
 * match (e.g. `cron(0 0 30 2 ? *)`) yields [] after a bounded search.
 */
export function nextFireTimes(expression: string | ScheduleExpression, after: Date, count: number, options: FireTimeOptions): Date[] {
  const parsed = toScheduleExpression(expression);
  const result: Date[] = [];
  if (count <= 0) return result;
  for (const t of firesAfter(parsed, millis(after, 'after'), options)) {
    result.push(new Date(t));
    if (result.length >= count) break;
  }
  return result;
}

/**
 * Fire times t with from < t <= to, ascending. When there are more than `limit`, the OLDEST
 * `limit` are returned (the caller can continue from the last one), never a silent sample.
 */
export function fireTimesBetween(
  expression: string | ScheduleExpression,
  from: Date,
  to: Date,
  options: FireTimeOptions,
  limit: number,
): Date[] {
  const parsed = toScheduleExpression(expression);
  const toMs = millis(to, 'to');
  const result: Date[] = [];
  if (limit <= 0) return result;
  for (const t of firesAfter(parsed, millis(from, 'from'), options)) {
    if (t > toMs) break;
    result.push(new Date(t));
    if (result.length >= limit) break;
  }
  return result;
}

/**
 * The slots a schedule meant to fire at, from < t <= to, ascending, at most `limit` (the oldest):
 * the fire times, plus cron slots skipped for falling in a DST gap (at the instant the wall time
 * reads with the pre-gap offset). For deciding which periods should exist, not when to fire.
 */
export function intendedSlotsBetween(
  expression: string | ScheduleExpression,
  from: Date,
  to: Date,
  options: FireTimeOptions,
  limit: number,
): Date[] {
  const parsed = toScheduleExpression(expression);
  if (parsed.kind !== 'cron') return fireTimesBetween(parsed, from, to, options, limit);
  const toMs = millis(to, 'to');
  const result: Date[] = [];
  for (const t of cronSlotsAfter(parsed, clockFor(options.timezone), millis(from, 'from'))) {
    if (t > toMs || result.length >= limit) break;
    result.push(new Date(t));
  }
  return result;
}

/**
 * The latest fire time strictly before `before`, or undefined. For cron the search goes back at
 * most to the start of its year field (1970 at the earliest); for rate() nothing precedes the
 * anchor.
 */
export function previousFireTime(expression: string | ScheduleExpression, before: Date, options: FireTimeOptions): Date | undefined {
  const parsed = toScheduleExpression(expression);
  const beforeMs = millis(before, 'before');
  const clock = clockFor(options.timezone);
  switch (parsed.kind) {
    case 'cron': {
      const first = cronFiresBefore(parsed, clock, beforeMs).next();
      return first.done ? undefined : new Date(first.value);
    }
    case 'rate': {
      const anchor = anchorMs(options);
      if (beforeMs <= anchor) return undefined;
      const k = Math.ceil((beforeMs - anchor) / parsed.intervalMs) - 1;
      return new Date(anchor + k * parsed.intervalMs);
    }
    case 'at': {
      const at = atInstant(parsed, clock);
      return at !== undefined && at < beforeMs ? new Date(at) : undefined;
    }
  }
}

/**
 * The gap between the first two fire times after `around` — the schedule's cadence there (a
 * daily cron reports 23 h or 25 h across a DST change). Undefined for at() and for schedules
 * with fewer than two fires left.
 */
export function typicalIntervalMs(expression: string | ScheduleExpression, around: Date, options: FireTimeOptions): number | undefined {
  const parsed = toScheduleExpression(expression);
  if (parsed.kind === 'at') return undefined;
  const [first, second] = nextFireTimes(parsed, around, 2, options);
  return first && second ? second.getTime() - first.getTime() : undefined;
}
