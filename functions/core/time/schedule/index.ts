export type {
  AtSchedule,
  CronFields,
  CronSchedule,
  DayOfMonthRule,
  DayOfWeekRule,
  FireTimeOptions,
  LocalDateTimeParts,
  RateSchedule,
  RateUnit,
  ScheduleExpression,
  ScheduleWarning,
} from './types';
export { parseScheduleExpression } from './parse';
export { nextFireTimes, fireTimesBetween, intendedSlotsBetween, previousFireTime, typicalIntervalMs } from './fire-times';
export { scheduleWarnings, type ScheduleWarningOptions } from './warnings';
