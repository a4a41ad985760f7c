import type { NightshiftConfig, SchedulePeriod } from '../config';
import { previousPeriod, type PeriodType } from '../time/periods';
import { InvalidJobParamsError } from './errors';

const periodTypes: Record<Exclude<SchedulePeriod, 'none'>, PeriodType> = {
  'previous-day': 'day',
  'previous-week': 'week',
  'previous-month': 'month',
};

/** The kind of period a schedule's `period` rule covers; undefined for `none`. */
export function periodTypeOfRule(rule: SchedulePeriod): PeriodType | undefined {
  return rule === 'none' ? undefined : periodTypes[rule];
}

/**
 * The business period a scheduled run covers, from its slot time (not the invocation time), so
 * a delivery retried an hour late still computes the same period and hits the same claim.
 */
export function periodForSchedule(config: NightshiftConfig, scheduleName?: string, scheduledFor?: string): string | undefined {
  if (scheduleName === undefined) return undefined;
  const schedule = config.schedules[scheduleName];
  if (!schedule) throw new InvalidJobParamsError(`unknown schedule "${scheduleName}"`);
  return periodForSlot(config, schedule.period, scheduledFor, scheduleName);
}

export function periodForSlot(config: NightshiftConfig, rule: SchedulePeriod, scheduledFor: string | undefined, scheduleName: string): string | undefined {
  if (rule === 'none') return undefined;
  if (scheduledFor === undefined) throw new InvalidJobParamsError(`schedule "${scheduleName}" covers a period but the invocation has no scheduledFor`);
  return previousPeriod(periodTypes[rule], new Date(scheduledFor), { timezone: config.timezone, weekStartsOn: config.weekStartsOn }).key;
}
