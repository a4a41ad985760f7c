import type { CheckConfig } from '../config';
import { formatValue, undefinedRatioMessage } from './daily-value';
import type { BaselineReport, CheckVerdict, DailyValue, ExpectedBand } from './types';

type TrendCheck = Extract<CheckConfig, { kind: 'trend' }>;

/** A same-weekday day before the scored one, with what is known of it. */
export interface BaselineCandidate {
  day: string;
  value: DailyValue;
  /** An earlier proof judged a check on this metric critical that day. */
  earlierCritical: boolean;
  /** The calendar keeps the day out: a holiday, an annotated day, or a day before a new normal. */
  calendarExclusion?: 'holiday' | 'annotated' | 'before_new_normal';
}

/**
 * z-score of the day against its same-weekday baseline. The baseline never holds the scored day
 * (candidates are earlier days), nor days without data, nor earlier critical days, nor points
 * that are critical outliers against the median of the others (zero where it is positive, or
 * off by `criticalChange`): a past outage must not drag the expectation down. σ is the
 * baseline's sample standard deviation widened by √(1 + 1/n) (the spread of a new day around a
 * mean estimated from n points), floored at `sigmaFloor` × |mean| and, for a ratio, at
 * the binomial √(p(1−p)/n) with p the baseline mean and n the day's denominator.
 *
 * Warn: |z| ≥ warnZ and |change| ≥ minChange. Critical: |z| ≥ criticalZ and |change| ≥
 * minChange, or |change| ≥ criticalChange, or 0 where the baseline median is positive. Only
 * deviations in `direction` count. Fewer than `minPoints` usable points: skipped
 * (`insufficient_history`), never scored as if the missing days were zero.
 */
export function checkTrend(check: TrendCheck, observed: DailyValue, candidates: readonly BaselineCandidate[], ratio: boolean): CheckVerdict {
  const baseline = buildBaseline(check, candidates);
  if (!observed.defined) {
    return { status: 'skipped', reason: observed.reason, message: undefinedRatioMessage(observed), observed: null, expected: null, score: null, baseline };
  }
  const value = observed.value;
  if (!Number.isFinite(value)) {
    return { status: 'skipped', reason: 'not_a_number', message: `${value} is not a finite number (the range check judges it)`, observed: null, expected: null, score: null, baseline };
  }
  const values = baseline.used.map((point) => point.value);
  if (values.length < check.minPoints) {
    const message = `${values.length} usable same-weekday points of ${check.minPoints} needed`;
    return { status: 'skipped', reason: 'insufficient_history', message, observed: value, expected: null, score: null, baseline };
  }

  const mean = average(values);
  const median = medianOf(values);
  const binomialFloor = ratio && observed.denominator !== undefined && observed.denominator > 0 ? Math.sqrt(Math.max(0, mean * (1 - mean)) / observed.denominator) : 0;
  // A new day's spread around an estimated mean: the sample σ widened by √(1 + 1/n).
  const predictive = sampleStdDev(values, mean) * Math.sqrt(1 + 1 / values.length);
  const sigma = Math.max(predictive, check.sigmaFloor * Math.abs(mean), binomialFloor);
  const z = sigma > 0 ? (value - mean) / sigma : value === mean ? 0 : Math.sign(value - mean) * Infinity;
  const change = mean !== 0 ? (value - mean) / Math.abs(mean) : value === 0 ? 0 : Math.sign(value) * Infinity;
  const filled: BaselineReport = { ...baseline, mean, median, sigma };
  const expected = expectedBand(check, mean, sigma);
  const score = Number.isFinite(z) ? z : null;
  const describe = `z ${formatNumber(z)}, ${formatPercent(change)} vs the same-weekday mean ${formatValue(mean)} (${values.length} points)`;

  const counts = check.direction === 'both' || (check.direction === 'up' ? value > mean : value < mean);
  const bigZ = (limit: number) => Math.abs(z) >= limit && Math.abs(change) >= check.minChange;
  let status: CheckVerdict['status'] = 'pass';
  let reason: string | null = null;
  if (counts && value === 0 && median > 0) [status, reason] = ['critical', 'zero_with_positive_baseline'];
  else if (counts && Math.abs(change) >= check.criticalChange) [status, reason] = ['critical', 'large_change'];
  else if (counts && bigZ(check.criticalZ)) [status, reason] = ['critical', 'critical_z'];
  else if (counts && bigZ(check.warnZ)) [status, reason] = ['warn', 'warn_z'];
  return { status, reason, message: describe, observed: value, expected, score, baseline: filled };
}

function buildBaseline(check: TrendCheck, candidates: readonly BaselineCandidate[]): BaselineReport {
  const excluded: BaselineReport['excluded'] = [];
  const usable: { day: string; value: number }[] = [];
  for (const candidate of candidates) {
    const { value } = candidate;
    if (!value.defined) excluded.push({ day: candidate.day, reason: value.reason });
    else if (!value.hasData || !Number.isFinite(value.value)) excluded.push({ day: candidate.day, reason: 'no_data' });
    else if (candidate.calendarExclusion) excluded.push({ day: candidate.day, reason: candidate.calendarExclusion });
    else if (candidate.earlierCritical) excluded.push({ day: candidate.day, reason: 'earlier_critical' });
    else usable.push({ day: candidate.day, value: value.value });
  }
  const used = usable.filter((point, index) => {
    const others = usable.filter((_, other) => other !== index).map((p) => p.value);
    if (others.length === 0) return true;
    const median = medianOf(others);
    const outlier = median > 0 && (point.value === 0 || Math.abs(point.value - median) / median >= check.criticalChange);
    if (outlier) excluded.push({ day: point.day, reason: 'outlier' });
    return !outlier;
  });
  excluded.sort((a, b) => (a.day < b.day ? 1 : a.day > b.day ? -1 : 0));
  return { days: candidates.map((candidate) => candidate.day), used, excluded, mean: null, median: null, sigma: null };
}

/** Values outside this band (in the checked direction) are at least a warn. */
function expectedBand(check: TrendCheck, mean: number, sigma: number): ExpectedBand {
  const halfWidth = Math.max(check.warnZ * sigma, check.minChange * Math.abs(mean));
  return {
    min: check.direction === 'up' ? null : mean - halfWidth,
    max: check.direction === 'down' ? null : mean + halfWidth,
  };
}

export function average(values: readonly number[]): number {
  return values.reduce((total, value) => total + value, 0) / values.length;
}

export function medianOf(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[middle] ?? 0) : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
}

function sampleStdDev(values: readonly number[], mean: number): number {
  if (values.length < 2) return 0;
  const squares = values.reduce((total, value) => total + (value - mean) ** 2, 0);
  return Math.sqrt(squares / (values.length - 1));
}

function formatNumber(value: number): string {
  return Number.isFinite(value) ? String(Math.round(value * 1000) / 1000) : value > 0 ? '+∞' : '−∞';
}

function formatPercent(change: number): string {
  if (!Number.isFinite(change)) return change > 0 ? '+∞%' : '−∞%';
  const percent = Math.round(change * 1000) / 10;
  return `${percent >= 0 ? '+' : ''}${percent}%`;
}
