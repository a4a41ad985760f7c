import type { CheckConfig } from '../config';
import type { CheckVerdict, DayMetaFacts } from './types';

type CompletenessCheck = Extract<CheckConfig, { kind: 'completeness' }>;

/**
 * How many hours of the day hold data: fewer than `minHours` (default: every hour of the day,
 * 23/24/25 around DST) → warn, fewer than `criticalMinHours` → critical. No stats at all → 0
 * hours. The score is the covered share of the day.
 */
export function checkCompleteness(check: CompletenessCheck, meta: DayMetaFacts | undefined, hoursInDay: number): CheckVerdict {
  const dayHours = meta?.hoursInDay ?? hoursInDay;
  const covered = Math.min(meta?.hoursWithData ?? 0, dayHours);
  const minHours = Math.min(check.minHours ?? dayHours, dayHours);
  const criticalMin = Math.min(check.criticalMinHours, minHours);
  const expected = { min: minHours, max: dayHours };
  const base = { observed: covered, expected, score: covered / dayHours };
  const missing = dayHours - covered;
  if (covered < criticalMin) {
    return { ...base, status: 'critical', reason: 'hours_missing', message: `${covered} of ${dayHours} hours have data (critical below ${criticalMin})` };
  }
  if (covered < minHours) return { ...base, status: 'warn', reason: 'hours_missing', message: `${covered} of ${dayHours} hours have data; ${missing} missing` };
  return { ...base, status: 'pass', reason: null, message: `${covered} of ${dayHours} hours have data` };
}
