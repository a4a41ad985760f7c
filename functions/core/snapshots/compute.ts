import type { SnapshotMetricConfig } from '../config/snapshots-schema';
import { OTHER_DIMS_KEY, type GroupTotals } from '../rollup/groups';
import type { DailyStat } from '../rollup/ports';

export const OVERALL_SCOPE = 'overall';

/** Why a value is missing. Every missing value is listed; the run then ends `warning`. */
export type SnapshotErrorCode = 'unknown_metric' | 'zero_denominator' | 'no_data';

export interface SnapshotError {
  metric: string;
  /** Absent when the value is missing in every scope (an unknown metric). */
  scope?: string;
  code: SnapshotErrorCode;
  message: string;
}

export type ScopeValues = Record<string, number | null>;

export interface SnapshotValues {
  /** Scope id → snapshot metric name → value; `null` where it could not be computed. */
  scopes: Record<string, ScopeValues>;
  errors: SnapshotError[];
}

/**
 * Folds a period's daily stats into totals per scope, one base metric at a time, so memory holds
 * one running total per (scope, metric), never the stats themselves. Scopes are `overall` and
 * `<dimension>=<value>` for each scope dimension's values; the cardinality overflow group (whose
 * dims are merged) counts toward `<dimension>=__other__`, so each dimension's scopes add up to
 * `overall`. Events without the dimension count toward `overall` only.
 */
export class ScopeTotals {
  private readonly totals = new Map<string, Map<string, GroupTotals>>();
  private readonly metricsSeen = new Set<string>();

  constructor(private readonly scopeDimensions: readonly string[]) {
    this.totals.set(OVERALL_SCOPE, new Map());
  }

  add(metric: string, stats: Iterable<DailyStat>): void {
    this.metricsSeen.add(metric);
    for (const stat of stats) {
      this.addTo(OVERALL_SCOPE, metric, stat);
      for (const dimension of this.scopeDimensions) {
        const value = stat.dimsKey === OTHER_DIMS_KEY ? OTHER_DIMS_KEY : stat.dims[dimension];
        if (value !== undefined) this.addTo(`${dimension}=${value}`, metric, stat);
      }
    }
  }

  scopes(): string[] {
    const others = [...this.totals.keys()].filter((scope) => scope !== OVERALL_SCOPE).sort();
    return [OVERALL_SCOPE, ...others];
  }

  of(scope: string, metric: string): GroupTotals | undefined {
    return this.totals.get(scope)?.get(metric);
  }

  private addTo(scope: string, metric: string, stat: GroupTotals): void {
    let byMetric = this.totals.get(scope);
    if (!byMetric) this.totals.set(scope, (byMetric = new Map<string, GroupTotals>()));
    const existing = byMetric.get(metric);
    if (!existing) {
      byMetric.set(metric, { count: stat.count, sum: stat.sum, min: stat.min, max: stat.max });
      return;
    }
    existing.count += stat.count;
    existing.sum += stat.sum;
    existing.min = Math.min(existing.min, stat.min);
    existing.max = Math.max(existing.max, stat.max);
  }
}

/** The base metrics a snapshot's metrics read. */
export function baseMetricsOf(metrics: Readonly<Record<string, SnapshotMetricConfig>>): string[] {
  const names = new Set<string>();
  for (const metric of Object.values(metrics)) {
    if (metric.stat === 'ratio') {
      names.add(metric.numerator);
      names.add(metric.denominator);
    } else names.add(metric.metric);
  }
  return [...names].sort();
}

/** Twelve significant digits: float noise (3025.5699999999997) gone, ratios kept precise. */
export function roundValue(value: number): number {
  return Number(value.toPrecision(12));
}

/**
 * Each snapshot metric in each scope. `declaredMetrics` are the base metrics the rollup knows;
 * a snapshot metric naming another is an `unknown_metric` error and `null` everywhere.
 */
export function computeSnapshotValues(
  metrics: Readonly<Record<string, SnapshotMetricConfig>>,
  totals: ScopeTotals,
  declaredMetrics: ReadonlySet<string>,
): SnapshotValues {
  const names = Object.keys(metrics).sort();
  const errors: SnapshotError[] = [];
  const unknown = new Set<string>();
  for (const name of names) {
    const metric = metrics[name]!;
    const missing = (metric.stat === 'ratio' ? [metric.numerator, metric.denominator] : [metric.metric]).filter((base) => !declaredMetrics.has(base));
    if (missing.length > 0) {
      unknown.add(name);
      errors.push({ metric: name, code: 'unknown_metric', message: `names ${missing.map((m) => `"${m}"`).join(' and ')}, not a configured metric` });
    }
  }
  const scopes: Record<string, ScopeValues> = {};
  for (const scope of totals.scopes()) {
    const values: ScopeValues = {};
    for (const name of names) {
      if (unknown.has(name)) {
        values[name] = null;
        continue;
      }
      const result = valueOf(metrics[name]!, (base) => totals.of(scope, base));
      values[name] = result.value;
      if (result.error) errors.push({ metric: name, scope, ...result.error });
    }
    scopes[scope] = values;
  }
  return { scopes, errors };
}

type Computed = { value: number; error?: undefined } | { value: null; error: { code: SnapshotErrorCode; message: string } };

function valueOf(metric: SnapshotMetricConfig, totalsOf: (base: string) => GroupTotals | undefined): Computed {
  if (metric.stat === 'ratio') {
    const numerator = totalsOf(metric.numerator)?.sum ?? 0;
    const denominator = totalsOf(metric.denominator)?.sum ?? 0;
    if (denominator === 0) {
      return { value: null, error: { code: 'zero_denominator', message: `${metric.denominator} is 0 (${metric.numerator} is ${roundValue(numerator)}): the ratio is undefined` } };
    }
    return { value: roundValue(numerator / denominator) };
  }
  const totals = totalsOf(metric.metric);
  if (metric.stat === 'sum') return { value: roundValue(totals?.sum ?? 0) };
  if (metric.stat === 'count') return { value: totals?.count ?? 0 };
  if (!totals || totals.count === 0) {
    return { value: null, error: { code: 'no_data', message: `no ${metric.metric} events in the period: its ${metric.stat} is undefined` } };
  }
  if (metric.stat === 'avg') return { value: roundValue(totals.sum / totals.count) };
  return { value: roundValue(metric.stat === 'min' ? totals.min : totals.max) };
}
