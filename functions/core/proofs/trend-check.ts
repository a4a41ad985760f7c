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
 * off by `criticalChange`): a past outage must not drag the expectation down. σ combines the
 * baseline's sample variance with the spread pooled over the other weekdays of the same weeks
 * (`otherWeekdays`, scaled to the mean), each weighted by its degrees of freedom (`spreadOf`),
 * widened by √(1 + 1/n) (the spread of a new day around a mean estimated from n points), floored
 * at `sigmaFloor` × |mean| and, for a ratio, at the binomial √(p(1−p)/n) with p the baseline
 * mean and n the day's denominator.
 *
 * Warn: |z| ≥ warnZ and |change| ≥ minChange. Critical: |z| ≥ criticalZ and |change| ≥
 * minChange, or |change| ≥ criticalChange, or 0 where the baseline median is positive. Only
 * deviations in `direction` count. Fewer than `minPoints` usable points: skipped
 * (`insufficient_history`), never scored as if the missing days were zero.
 */
export function checkTrend(check: TrendCheck, observed: DailyValue, candidates: readonly BaselineCandidate[], ratio: boolean, otherWeekdays: readonly (readonly BaselineCandidate[])[] = []): CheckVerdict {
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
  // A new day's spread around an estimated mean: the σ widened by √(1 + 1/n).
  const spread = spreadOf(values, mean, pooledRelativeSpread(check, otherWeekdays));
  const predictive = spread * Math.sqrt(1 + 1 / values.length);
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
  const sorted = usable.map((point) => point.value).sort((a, b) => a - b);
  const used = usable.filter((point) => {
    if (sorted.length < 2) return true;
    const median = medianWithout(sorted, sorted.indexOf(point.value));
    const outlier = median > 0 && (point.value === 0 || Math.abs(point.value - median) / median >= check.criticalChange);
    if (outlier) excluded.push({ day: point.day, reason: 'outlier' });
    return !outlier;
  });
  excluded.sort((a, b) => (a.day < b.day ? 1 : a.day > b.day ? -1 : 0));
  return { days: candidates.map((candidate) => candidate.day), used, excluded, mean: null, median: null, sigma: null };
}

/** A relative spread and the degrees of freedom it is worth. */
interface PooledSpread {
  relative: number;
  degrees: number;
}

/**
 * The day-to-day spread around the baseline mean. Eight same-weekday points estimate σ poorly:
 * with 7 degrees of freedom an ordinary day reaches |z| ≥ 5 with probability 0.16% (Student's
 * t₇), about 0.05 false criticals per metric-month; the other weekdays of the same weeks hold
 * about 42 more (at ~22 in all, 0.005%). Two independent estimates of one variance combine with the least variance when each is
 * weighted by its degrees of freedom (the pooled variance of a two-sample t-test; as a prior, an
 * empirical-Bayes moderated variance): σ² = (d_w s_w² + d_p s_p²) / (d_w + d_p), with d_w = n − 1
 * and d_p the pooled points' degrees of freedom × `MAD_EFFICIENCY` (the pooled spread is a median
 * absolute deviation, worth a standard deviation from 37% as many normal points). A weekday that
 * is really quieter or noisier still moves its own band, by its share of the evidence.
 */
function spreadOf(values: readonly number[], mean: number, pooled: PooledSpread | undefined): number {
  const sameWeekday = sampleStdDev(values, mean);
  if (pooled === undefined) return sameWeekday;
  const sameDegrees = values.length - 1;
  const pooledDegrees = pooled.degrees * MAD_EFFICIENCY;
  const pooledSpread = pooled.relative * Math.abs(mean);
  return Math.sqrt((sameDegrees * sameWeekday ** 2 + pooledDegrees * pooledSpread ** 2) / (sameDegrees + pooledDegrees));
}

/**
 * The day-to-day spread of the metric relative to its weekday's level, pooled over the other
 * weekdays of the baseline weeks: each weekday's usable points (the same exclusions as the
 * baseline) as relative deviations from their own median, and their median absolute deviation
 * scaled to a normal σ (× 1.4826, × √(N / (N − weekdays)) for the medians estimated), worth
 * N − weekdays degrees of freedom before the MAD's efficiency. Robust on purpose: a holiday or
 * an incident the calendar and the earlier proofs do not know of, on another weekday, must not
 * widen every day's band. Undefined with fewer than two weekdays or `MIN_POOLED_DEGREES` degrees
 * of freedom (the same-weekday σ stands alone then).
 */
function pooledRelativeSpread(check: TrendCheck, weekdays: readonly (readonly BaselineCandidate[])[]): PooledSpread | undefined {
  const deviations: number[] = [];
  let groups = 0;
  for (const candidates of weekdays) {
    const values = buildBaseline(check, candidates).used.map((point) => point.value);
    if (values.length < 2) continue;
    const center = medianOf(values);
    if (center === 0) continue;
    for (const value of values) deviations.push(Math.abs((value - center) / center));
    groups += 1;
  }
  const degrees = deviations.length - groups;
  if (groups < 2 || degrees < MIN_POOLED_DEGREES) return undefined;
  return { relative: MAD_TO_SIGMA * medianOf(deviations) * Math.sqrt(deviations.length / degrees), degrees };
}

/** A normal distribution's σ over its median absolute deviation. */
const MAD_TO_SIGMA = 1.4826;
/** The median absolute deviation's asymptotic efficiency at the normal, relative to the standard deviation (Huber & Ronchetti, Robust Statistics). */
const MAD_EFFICIENCY = 0.37;
const MIN_POOLED_DEGREES = 12;

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

/** The median of a sorted list with the value at `skip` left out (the list has two or more values). */
function medianWithout(sorted: readonly number[], skip: number): number {
  const at = (index: number) => sorted[index < skip ? index : index + 1] ?? 0;
  const length = sorted.length - 1;
  const middle = Math.floor(length / 2);
  return length % 2 === 1 ? at(middle) : (at(middle - 1) + at(middle)) / 2;
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
