import type { DayMark } from '../calendar/types';
import type { CheckConfig } from '../config';
import type { Attribution } from './attribution';

export type CheckKind = CheckConfig['kind'];
export type CheckStatus = 'pass' | 'warn' | 'critical' | 'skipped';
export type ProofStatus = 'pass' | 'warn' | 'critical';

/** The rollup's meta facts of one metric-day that freshness and completeness judge. */
export interface DayMetaFacts {
  updatedAt: string;
  /** Hour partitions of the day that hold data. */
  hoursWithData: number;
  /** 23, 24 or 25. */
  hoursInDay: number;
}

/** What a proof knows of one base metric on one local day, summed over every dims group. */
export interface MetricDayFacts {
  /** Σ of the day's values (0 without stats: no events). `sessions` events carry 1, so sum = count. */
  sum: number;
  count: number;
  /** Absent when the rollup has no stats for the metric-day at all. */
  meta?: DayMetaFacts;
}

/** Facts of a base metric on a local day; the job reads them from the stats, the benchmark generates them. */
export type FactsLookup = (metric: string, day: string) => MetricDayFacts;

/** Whether an earlier proof judged a check on this metric critical that day. */
export type EarlierCriticalLookup = (metric: string, day: string) => boolean;

/** The daily value of a metric or ratio. */
export type DailyValue =
  | { defined: true; value: number; hasData: boolean; /** For ratios: the denominator's sum (binomial n). */ denominator?: number }
  /** A ratio whose denominator is 0: `no_data` when the denominator has no stats at all that day. */
  | { defined: false; reason: 'zero_denominator' | 'no_data'; numerator: number };

export interface ExpectedBand {
  min: number | null;
  max: number | null;
}

export interface BaselineReport {
  /** Same-weekday days considered, newest first. */
  days: string[];
  /** The days used and their values, newest first. */
  used: { day: string; value: number }[];
  excluded: { day: string; reason: 'no_data' | 'zero_denominator' | 'earlier_critical' | 'outlier' | 'holiday' | 'annotated' | 'before_new_normal' }[];
  mean: number | null;
  median: number | null;
  sigma: number | null;
}

export interface CheckResult {
  /** `<kind>:<subject>`, unique in a proof (`#2`, `#3` for repeats). */
  id: string;
  kind: CheckKind;
  /** The metric or ratio judged; `numerator/denominator` for ratio_consistency. */
  metric: string;
  status: CheckStatus;
  /** Machine-readable cause of a non-pass status (`above_soft_max`, `insufficient_history`, …). */
  reason: string | null;
  message: string;
  observed: number | null;
  expected: ExpectedBand | null;
  /** z-score for trend checks, the covered share of hours for completeness; null otherwise. */
  score: number | null;
  baseline?: BaselineReport;
  /** Holidays and annotations on the judged day that concern the metric (trend checks only). */
  calendar?: DayMark[];
  parameters: Record<string, unknown>;
  /** For a trend or range check that warned or went critical: the dimensions and hours that explain it. */
  attribution?: Attribution;
}

/** What a check function returns; the proof adds the id and parameters. */
export type CheckVerdict = Omit<CheckResult, 'id' | 'kind' | 'metric' | 'parameters'>;
