import { formatTime, MISSED_SLOT_FATES, shortId, type ScheduleSlot, type SchedulerTask, type SlotFate } from '../../functions/client';

/** The API answers at most 31 days per request. */
const WINDOW_MS = 31 * 86_400_000;
/** A strip reaches back at most this many windows (about three months): a monthly schedule shows three slots. */
const MAX_WINDOWS = 3;
const DAY_MS = 86_400_000;

/**
 * The ranges to ask `GET /scheduler/tasks/{name}/slots` for, newest first, so that together they
 * hold about the last `count` slots: the spacing of the schedule's next fire times tells how far
 * back that is (a 5-minute schedule needs a few hours, a weekly one the whole three months).
 */
export function slotWindows(task: Pick<SchedulerTask, 'nextRuns'>, now: Date, count: number): Array<{ from: string; to: string }> {
  const [first, second] = task.nextRuns;
  const spacing = first && second ? Date.parse(second.utc) - Date.parse(first.utc) : DAY_MS;
  // One spacing more than asked for: a DST night or a leap month does not cut the strip short.
  const reach = Math.min(spacing * (count + 1), WINDOW_MS * MAX_WINDOWS);
  const windows: Array<{ from: string; to: string }> = [];
  for (let to = now.getTime(), left = reach; left > 0; to -= WINDOW_MS, left -= WINDOW_MS) {
    windows.push({ from: new Date(to - Math.min(WINDOW_MS, left)).toISOString(), to: new Date(to).toISOString() });
  }
  return windows;
}

/** The newest `count` slots of the answers (each oldest first, newest window first), oldest first. */
export function lastSlots(answers: ReadonlyArray<{ slots: readonly ScheduleSlot[] }>, count: number): ScheduleSlot[] {
  const all = [...answers].reverse().flatMap((answer) => answer.slots);
  return all.slice(Math.max(0, all.length - count));
}

export function isMissed(slot: Pick<ScheduleSlot, 'fate'>): boolean {
  return MISSED_SLOT_FATES.includes(slot.fate);
}

/** How a fate reads in the strip's legend and its tooltips. */
export const FATE_LABELS: Readonly<Record<SlotFate, string>> = {
  fired: 'fired',
  caught_up: 'caught up',
  retried: 'failed, then retried',
  failed: 'failed',
  skipped: 'skipped',
  period_taken: 'period taken',
  dead_lettered: 'dead-lettered',
  missing: 'missing',
  not_yet: 'not yet',
};

const REASONS: Readonly<Record<Exclude<ScheduleSlot['reason'], 'dst_gap' | undefined>, string>> = {
  dead_lettered: 'its delivery was dead-lettered',
  missed: 'it was missed',
};

/** The UTC offset a formatted time ends with (`-08:00`). */
function offsetOf(slot: ScheduleSlot, zone: string): string {
  return formatTime(slot.scheduledFor, zone).slice(-6);
}

/**
 * Where the business zone's offset changed since the previous slot: the strip marks the first slot
 * after a DST change (and a slot in a spring-forward gap is on the change's own night).
 */
export function dstChangeBefore(slots: readonly ScheduleSlot[], index: number, zone: string): { from: string; to: string } | undefined {
  const slot = slots[index];
  const previous = slots[index - 1];
  if (!slot || !previous) return undefined;
  const [from, to] = [offsetOf(previous, zone), offsetOf(slot, zone)];
  return from === to ? undefined : { from, to };
}

/**
 * One slot in words, as its cell's label and tooltip say it: its time in the business zone with
 * the offset, the fate (and why), the run that stands for it.
 */
export function describeSlot(slot: ScheduleSlot, zone: string, dstChange?: { from: string; to: string }): string {
  const parts = [formatTime(slot.scheduledFor, zone), FATE_LABELS[slot.fate]];
  if (slot.dstGap) parts.push(`meant for ${slot.local.slice(11, 16)} local, in a spring-forward gap`);
  if (slot.reason && slot.reason !== 'dst_gap') parts.push(REASONS[slot.reason]);
  if (slot.run) parts.push(`run ${shortId(slot.run.id)} ${slot.run.status}`);
  if (dstChange) parts.push(`DST: offset ${dstChange.from} → ${dstChange.to} since the previous slot`);
  return parts.join(' · ');
}
