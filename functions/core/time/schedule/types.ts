/**
 * Parsed EventBridge Scheduler expressions. Every variant keeps the text it was parsed from so
 * that messages and previews can quote the user's own spelling.
 */

/** Day-of-month field. `?` is `unspecified`; `*`, lists, ranges and steps become `days`. */
export type DayOfMonthRule =
  | { type: 'unspecified' }
  | { type: 'days'; days: readonly number[] }
  /** `L`: the last day of the month. */
  | { type: 'last' }
  /** `LW`: the last weekday (Mon-Fri) of the month. */
  | { type: 'lastWeekday' }
  /** `15W`: the weekday nearest to the 15th, never leaving the month. */
  | { type: 'nearestWeekday'; day: number };

/** Day-of-week field, in EventBridge numbering: 1 = Sunday … 7 = Saturday. */
export type DayOfWeekRule =
  | { type: 'unspecified' }
  | { type: 'days'; days: readonly number[] }
  /** `6L`: the last Friday of the month. (A bare `L` means every Saturday and parses as `days: [7]`.) */
  | { type: 'last'; weekday: number }
  /** `2#1`: the first Monday of the month. */
  | { type: 'nth'; weekday: number; nth: number };

export interface CronFields {
  minutes: string;
  hours: string;
  dayOfMonth: string;
  month: string;
  dayOfWeek: string;
  year: string;
}

export interface CronSchedule {
  kind: 'cron';
  text: string;
  fields: CronFields;
  /** Sorted ascending, never empty. */
  minutes: readonly number[];
  hours: readonly number[];
  dayOfMonth: DayOfMonthRule;
  months: readonly number[];
  dayOfWeek: DayOfWeekRule;
  years: readonly number[];
}

export type RateUnit = 'minutes' | 'hours' | 'days';

export interface RateSchedule {
  kind: 'rate';
  text: string;
  value: number;
  unit: RateUnit;
  /** Fixed elapsed time between fires: a `day` is always 24 hours, whatever DST does. */
  intervalMs: number;
}

export interface LocalDateTimeParts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

export interface AtSchedule {
  kind: 'at';
  text: string;
  /** Wall-clock time in the schedule's zone, 'yyyy-mm-ddThh:mm:ss'. */
  local: string;
  parts: LocalDateTimeParts;
}

export type ScheduleExpression = CronSchedule | RateSchedule | AtSchedule;

export interface FireTimeOptions {
  timezone: string;
  /** rate schedules: first fire (creation time); default Unix epoch */
  anchor?: Date;
}

export interface ScheduleWarning {
  code: 'dst_gap' | 'dst_overlap';
  message: string;
  /** Local dates ('YYYY-MM-DD') the warning is about, ascending. */
  dates: string[];
}
