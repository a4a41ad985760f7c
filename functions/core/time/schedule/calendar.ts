import type { CronSchedule } from './types';

/**
 * Pure proleptic-Gregorian calendar arithmetic (no time zones involved): which local dates a
 * cron's day fields select. `Date.UTC` is used only as a calendar, never to convert instants.
 */

export function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** EventBridge numbering: 1 = Sunday … 7 = Saturday. */
export function weekdayOf(year: number, month: number, day: number): number {
  return new Date(Date.UTC(year, month - 1, day)).getUTCDay() + 1;
}

const SATURDAY = 7;
const SUNDAY = 1;

/**
 * The weekday (Mon-Fri) nearest to `day`, staying inside the month: a Saturday moves back to
 * Friday unless that leaves the month (1st → Monday 3rd); a Sunday moves forward to Monday
 * unless that leaves the month (last day → Friday before). Quartz rules, which EventBridge uses.
 */
export function nearestWeekday(year: number, month: number, day: number): number {
  const last = daysInMonth(year, month);
  const weekday = weekdayOf(year, month, day);
  if (weekday === SATURDAY) return day === 1 ? 3 : day - 1;
  if (weekday === SUNDAY) return day === last ? day - 2 : day + 1;
  return day;
}

/** Days of `month` the cron's day-of-month / day-of-week fields select, ascending. */
export function matchingDays(cron: CronSchedule, year: number, month: number): number[] {
  const last = daysInMonth(year, month);
  const dom = cron.dayOfMonth;
  switch (dom.type) {
    case 'days':
      return dom.days.filter((d) => d <= last);
    case 'last':
      return [last];
    case 'lastWeekday':
      return [nearestWeekday(year, month, last)];
    case 'nearestWeekday':
      // `31W` in a 30-day month selects nothing, like a plain `31` would.
      return dom.day > last ? [] : [nearestWeekday(year, month, dom.day)];
    case 'unspecified':
      break;
  }
  const dow = cron.dayOfWeek;
  const firstWeekday = weekdayOf(year, month, 1);
  const firstOn = (weekday: number) => 1 + ((weekday - firstWeekday + 7) % 7);
  switch (dow.type) {
    case 'days': {
      const days: number[] = [];
      for (let d = 1; d <= last; d++) {
        if (dow.days.includes(((firstWeekday - 1 + d - 1) % 7) + 1)) days.push(d);
      }
      return days;
    }
    case 'last': {
      const first = firstOn(dow.weekday);
      return [first + 7 * Math.floor((last - first) / 7)];
    }
    case 'nth': {
      const day = firstOn(dow.weekday) + 7 * (dow.nth - 1);
      return day <= last ? [day] : [];
    }
    case 'unspecified':
      // The parser guarantees one of the two fields is specified.
      return [];
  }
}

/** Whether the cron selects this local wall-clock minute (ignoring whether it exists). */
export function cronMatches(cron: CronSchedule, year: number, month: number, day: number, hour: number, minute: number): boolean {
  return (
    cron.years.includes(year) &&
    cron.months.includes(month) &&
    cron.hours.includes(hour) &&
    cron.minutes.includes(minute) &&
    matchingDays(cron, year, month).includes(day)
  );
}
