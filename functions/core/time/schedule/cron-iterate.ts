import { matchingDays } from './calendar';
import type { CronSchedule } from './types';
import type { LocalDate, ZoneClock } from './zone';

interface LocalSlot {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
}

/**
 * Wall-clock slots the cron selects, in order (forward or backward), starting with the local
 * date `from`. Walks years → months → matching days → hours → minutes, so months or years with
 * no matching day cost one cheap check each instead of a minute-by-minute scan; the year field
 * (at most 1970-2199) bounds every search, so impossible crons such as `cron(0 0 30 2 ? *)`
 * simply run out of years.
 */
function* localSlots(cron: CronSchedule, from: LocalDate, direction: 1 | -1): Generator<LocalSlot> {
  const ordered = (values: readonly number[]) => (direction === 1 ? values : [...values].reverse());
  const before = (a: number, b: number) => (direction === 1 ? a < b : a > b);
  const hours = ordered(cron.hours);
  const minutes = ordered(cron.minutes);
  for (const year of ordered(cron.years)) {
    if (before(year, from.year)) continue;
    for (const month of ordered(cron.months)) {
      if (year === from.year && before(month, from.month)) continue;
      const sameMonth = year === from.year && month === from.month;
      for (const day of ordered(matchingDays(cron, year, month))) {
        if (sameMonth && before(day, from.day)) continue;
        for (const hour of hours) {
          for (const minute of minutes) yield { year, month, day, hour, minute };
        }
      }
    }
  }
}

/**
 * The instant a slot fires at under EventBridge's DST rules: none if the wall time does not
 * exist (spring-forward gap), the first occurrence if it happens twice (fall-back overlap).
 * Because of the "first occurrence" rule, slot order and instant order agree, which is what
 * lets the walks below stop at the first slot past the bound.
 */
function fireInstant(clock: ZoneClock, slot: LocalSlot): number | undefined {
  return clock.occurrences(slot.year, slot.month, slot.day, slot.hour, slot.minute)[0];
}

/** Fire instants strictly after `afterMs`, ascending. */
export function* cronFiresAfter(cron: CronSchedule, clock: ZoneClock, afterMs: number): Generator<number> {
  // Slots on earlier local dates all fire before the first instant of afterMs's local date.
  for (const slot of localSlots(cron, clock.localDate(afterMs), 1)) {
    const at = fireInstant(clock, slot);
    if (at !== undefined && at > afterMs) yield at;
  }
}

/** Fire instants strictly before `beforeMs`, descending. */
export function* cronFiresBefore(cron: CronSchedule, clock: ZoneClock, beforeMs: number): Generator<number> {
  for (const slot of localSlots(cron, clock.localDate(beforeMs), -1)) {
    const at = fireInstant(clock, slot);
    if (at !== undefined && at < beforeMs) yield at;
  }
}

/**
 * Like `cronFiresAfter`, but a slot that EventBridge skips because its wall time falls in a
 * spring-forward gap still yields an instant: the wall time read with the offset in force just
 * before the gap (02:30 → 03:30 the new local time). The sweeper uses it: a skipped slot is a
 * period the schedule meant to cover.
 */
export function* cronSlotsAfter(cron: CronSchedule, clock: ZoneClock, afterMs: number): Generator<number> {
  for (const slot of localSlots(cron, clock.localDate(afterMs), 1)) {
    const at = fireInstant(clock, slot) ?? gapInstant(clock, slot);
    if (at > afterMs) yield at;
  }
}

const GAP_REACH_MS = 6 * 3600_000;

function gapInstant(clock: ZoneClock, slot: LocalSlot): number {
  const wall = Date.UTC(slot.year, slot.month - 1, slot.day, slot.hour, slot.minute);
  return wall - clock.offset(wall - GAP_REACH_MS) * 60_000;
}
