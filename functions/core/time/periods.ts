import { DateTime, IANAZone, type WeekdayNumbers } from 'luxon';
import { InvalidPeriodError, InvalidTimeZoneError } from './errors';

/**
 * Business periods (local days, weeks, months) in one configured time zone.
 *
 * Week keys: with `weekStartsOn: 'monday'` a week's key is its ISO-8601 week (`YYYY-Www`, ISO
 * week-year). With any other start day, a week is named after the ISO week that contains its
 * 4th day (start + 3 days). Every ISO week contains exactly one day of each weekday, so this
 * maps weeks to ISO week keys one-to-one and key → period → key always round-trips; for Monday
 * starts it is the plain ISO rule (the 4th day is the Thursday). Example with Sunday starts:
 * Sun 2026-11-22 … Sat 2026-11-28 is `2026-W48`, because Wed 2026-11-25 is in ISO week 48.
 */

export const weekdays = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'] as const;
export type Weekday = (typeof weekdays)[number];
export type PeriodType = 'day' | 'week' | 'month';

export interface Period {
  type: PeriodType;
  /** '2026-11-22' | '2026-W47' | '2026-11' */
  key: string;
  /** Inclusive: the UTC instant of the local start. */
  start: Date;
  /** Exclusive. */
  end: Date;
  /** ISO local date-time with offset, e.g. '2026-11-22T00:00:00.000-08:00'. */
  startLocal: string;
  endLocal: string;
  timezone: string;
  /** Elapsed hours: 23 / 24 / 25 for days around DST. */
  hours: number;
}

export interface PeriodOptions {
  timezone: string;
  weekStartsOn: Weekday;
}

const HOUR_MS = 3_600_000;

function zoneOf(timezone: string): IANAZone {
  const zone = IANAZone.create(timezone);
  if (!zone.isValid) throw new InvalidTimeZoneError(timezone);
  return zone;
}

function localDateTime(instant: Date, zone: IANAZone): DateTime {
  if (!(instant instanceof Date) || Number.isNaN(instant.getTime())) {
    throw new InvalidPeriodError(`instant ${String(instant)} is not a valid date`);
  }
  return DateTime.fromJSDate(instant, { zone });
}

/** Luxon numbers weekdays 1 (Monday) … 7 (Sunday), the same order as `weekdays`. */
function luxonWeekday(day: Weekday): number {
  return weekdays.indexOf(day) + 1;
}

// `startOf('day')` lands on the first instant that exists, so zones whose midnight falls in a
// DST gap (e.g. America/Santiago) still get a correct day start.
function startOfWeek(local: DateTime, weekStartsOn: Weekday): DateTime {
  const back = (local.weekday - luxonWeekday(weekStartsOn) + 7) % 7;
  return local.startOf('day').minus({ days: back }).startOf('day');
}

function weekKey(start: DateTime): string {
  const fourthDay = start.plus({ days: 3 });
  return `${fourthDay.weekYear}-W${String(fourthDay.weekNumber).padStart(2, '0')}`;
}

function build(type: PeriodType, key: string, start: DateTime, end: DateTime, timezone: string): Period {
  const startMs = start.toMillis();
  const endMs = end.toMillis();
  return {
    type,
    key,
    start: new Date(startMs),
    end: new Date(endMs),
    startLocal: start.toISO() ?? '',
    endLocal: end.toISO() ?? '',
    timezone,
    hours: (endMs - startMs) / HOUR_MS,
  };
}

function periodFromLocal(type: PeriodType, local: DateTime, options: PeriodOptions): Period {
  switch (type) {
    case 'day': {
      const start = local.startOf('day');
      const end = start.plus({ days: 1 }).startOf('day');
      return build('day', start.toISODate() ?? '', start, end, options.timezone);
    }
    case 'week': {
      const start = startOfWeek(local, options.weekStartsOn);
      const end = start.plus({ days: 7 }).startOf('day');
      return build('week', weekKey(start), start, end, options.timezone);
    }
    case 'month': {
      const start = local.startOf('month');
      const end = start.plus({ months: 1 }).startOf('month');
      return build('month', start.toFormat('yyyy-MM'), start, end, options.timezone);
    }
  }
}

export function periodContaining(type: PeriodType, instant: Date, options: PeriodOptions): Period {
  const zone = zoneOf(options.timezone);
  return periodFromLocal(type, localDateTime(instant, zone), options);
}

/**
 * The last complete period before the one containing `instant`. Callers pass the schedule's
 * slot time, so a run at 2026-11-23T03:00 local covers day 2026-11-22 however late it is retried.
 */
export function previousPeriod(type: PeriodType, instant: Date, options: PeriodOptions): Period {
  const current = periodContaining(type, instant, options);
  return periodContaining(type, new Date(current.start.getTime() - 1), options);
}

export function nextPeriod(period: Period, options: PeriodOptions): Period {
  return periodContaining(period.type, period.end, options);
}

const dayKeyPattern = /^(\d{4})-(\d{2})-(\d{2})$/;
const weekKeyPattern = /^(\d{4})-W(\d{2})$/;
const monthKeyPattern = /^(\d{4})-(\d{2})$/;

/** The period type a key's shape denotes, or undefined for anything else. */
export function periodTypeOfKey(key: string): PeriodType | undefined {
  if (dayKeyPattern.test(key)) return 'day';
  if (weekKeyPattern.test(key)) return 'week';
  if (monthKeyPattern.test(key)) return 'month';
  return undefined;
}

function parseDay(key: string, zone: IANAZone): DateTime {
  const match = dayKeyPattern.exec(key);
  if (!match) throw new InvalidPeriodError(`"${key}" is not a day key; expected YYYY-MM-DD (e.g. 2026-11-22)`);
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  if (month < 1 || month > 12) throw new InvalidPeriodError(`"${key}": month ${match[2]} is out of range 01-12`);
  const probe = DateTime.fromObject({ year, month, day: 1 }, { zone });
  const days = probe.daysInMonth ?? 31;
  if (day < 1 || day > days) {
    throw new InvalidPeriodError(`"${key}": day ${match[3]} does not exist in ${probe.toFormat('yyyy-MM')} (it has ${days} days)`);
  }
  return DateTime.fromObject({ year, month, day }, { zone });
}

/**
 * Parses a key of any type, detected from its shape: 'YYYY-MM-DD' (day), 'YYYY-Www' (week),
 * 'YYYY-MM' (month).
 */
export function parsePeriodKey(key: string, options: PeriodOptions): Period {
  const zone = zoneOf(options.timezone);
  if (typeof key !== 'string') throw new InvalidPeriodError(`period key ${String(key)} is not a string`);
  if (dayKeyPattern.test(key)) return periodFromLocal('day', parseDay(key, zone), options);

  const week = weekKeyPattern.exec(key);
  if (week) {
    const [weekYear, weekNumber] = [Number(week[1]), Number(week[2])];
    const monday = DateTime.fromObject({ weekYear, weekNumber: 1, weekday: 1 }, { zone });
    const weeks = monday.weeksInWeekYear;
    if (weekNumber < 1 || weekNumber > weeks) {
      throw new InvalidPeriodError(`"${key}": ISO week-year ${week[1]} has weeks W01-W${weeks}, not W${week[2]}`);
    }
    // The named ISO week contains the period's 4th day; walk back 3 days to its start.
    const fourthWeekday = (((luxonWeekday(options.weekStartsOn) - 1 + 3) % 7) + 1) as WeekdayNumbers;
    const fourthDay = DateTime.fromObject({ weekYear, weekNumber, weekday: fourthWeekday }, { zone });
    return periodFromLocal('week', fourthDay.minus({ days: 3 }), options);
  }

  const month = monthKeyPattern.exec(key);
  if (month) {
    const [year, monthNumber] = [Number(month[1]), Number(month[2])];
    if (monthNumber < 1 || monthNumber > 12) throw new InvalidPeriodError(`"${key}": month ${month[2]} is out of range 01-12`);
    return periodFromLocal('month', DateTime.fromObject({ year, month: monthNumber, day: 1 }, { zone }), options);
  }

  throw new InvalidPeriodError(`"${key}" is not a period key; expected a day (2026-11-22), an ISO week (2026-W47) or a month (2026-11)`);
}

/**
 * Every period of `type` from `firstKey` to `lastKey`, both included. Refuses ranges of more
 * than `limit` periods instead of truncating them, so a caller never mistakes a partial
 * backfill for a complete one.
 */
export function periodsBetween(type: PeriodType, firstKey: string, lastKey: string, options: PeriodOptions, limit: number): Period[] {
  const first = parsePeriodKey(firstKey, options);
  const last = parsePeriodKey(lastKey, options);
  for (const [which, period] of [['first', first], ['last', last]] as const) {
    if (period.type !== type) throw new InvalidPeriodError(`${which} key "${period.key}" is a ${period.type}, expected a ${type} key`);
  }
  if (first.start.getTime() > last.start.getTime()) {
    throw new InvalidPeriodError(`range ${first.key}..${last.key} is backwards: "${first.key}" comes after "${last.key}"`);
  }
  const periods: Period[] = [];
  let current = first;
  for (;;) {
    if (periods.length >= limit) {
      throw new InvalidPeriodError(`range ${first.key}..${last.key} has more than ${limit} ${type} periods (the limit)`);
    }
    periods.push(current);
    if (current.key === last.key) return periods;
    current = nextPeriod(current, options);
  }
}

/** 'YYYY-MM-DD' of the local calendar day containing `instant`. */
export function localDay(instant: Date, timezone: string): string {
  return localDateTime(instant, zoneOf(timezone)).toISODate() ?? '';
}

/**
 * The start instant of each local hour of `day`, stepping by elapsed hours from local midnight:
 * 23 of them on a spring-forward day, 25 on a fall-back day (the repeated hour appears twice).
 */
export function localHourStarts(day: string, timezone: string): Date[] {
  const zone = zoneOf(timezone);
  const period = periodFromLocal('day', parseDay(day, zone), { timezone, weekStartsOn: 'monday' });
  const starts: Date[] = [];
  for (let t = period.start.getTime(); t < period.end.getTime(); t += HOUR_MS) starts.push(new Date(t));
  return starts;
}

/** The local days of a period, in order: one for a day, seven for a week, 28–31 for a month. */
export function localDaysOf(period: Period): string[] {
  const options = { timezone: period.timezone, weekStartsOn: 'monday' as const };
  const lastDay = localDay(new Date(period.end.getTime() - 1), period.timezone);
  return periodsBetween('day', period.startLocal.slice(0, 10), lastDay, options, 31).map((day) => day.key);
}
