import type { CheckConfig } from '../config';
import type { CheckVerdict, DayMetaFacts } from './types';

type FreshnessCheck = Extract<CheckConfig, { kind: 'freshness' }>;

const HOUR_MS = 3_600_000;

/**
 * The day's stats exist and were last updated after the day closed (`dayEnd`, exclusive end in
 * the configured zone). No stats → critical. Last updated before the close: warn when within
 * `maxDelayHours` of it (a quiet end of day, or the day is not over yet), critical when older
 * (nothing arrived for the last hours of the day: the data stopped). The score is the hours
 * between the last update and the close (negative: before it).
 */
export function checkFreshness(check: FreshnessCheck, meta: DayMetaFacts | undefined, dayEnd: Date, now: Date): CheckVerdict {
  const expected = { min: 0, max: null };
  if (!meta) return { status: 'critical', reason: 'missing', message: 'no stats for the day', observed: null, expected, score: null };
  const updatedMs = Date.parse(meta.updatedAt);
  const hoursAfterClose = (updatedMs - dayEnd.getTime()) / HOUR_MS;
  const base = { observed: hoursAfterClose, expected, score: hoursAfterClose };
  if (hoursAfterClose >= 0) return { ...base, status: 'pass', reason: null, message: `updated ${meta.updatedAt}, after the day closed` };
  if (now.getTime() < dayEnd.getTime()) {
    return { ...base, status: 'warn', reason: 'day_not_closed', message: `the day has not closed yet (last update ${meta.updatedAt})` };
  }
  if (-hoursAfterClose <= check.maxDelayHours) {
    return { ...base, status: 'warn', reason: 'not_updated_after_close', message: `last updated ${meta.updatedAt}, ${round1(-hoursAfterClose)} h before the day closed` };
  }
  return {
    ...base,
    status: 'critical',
    reason: 'stale',
    message: `last updated ${meta.updatedAt}, ${round1(-hoursAfterClose)} h before the day closed (more than ${check.maxDelayHours} h): the data stopped`,
  };
}

function round1(value: number): number {
  return Math.round(value * 10) / 10;
}
