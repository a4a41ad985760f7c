import { DateTime } from 'luxon';
import type { NightshiftConfig } from '../config';
import type { HourPartial } from '../rollup/ports';
import { attributeChange, type Attribution, type Breakdown, type Cell } from './attribution';
import { baseMetricsOf } from './daily-value';
import { baselineDays, type ProofEvaluation } from './evaluate-proof';
import type { CheckResult } from './types';

/** A metric-day's cells (dims group × local hour); undefined when the rollup kept none. */
export type CellsLookup = (metric: string, day: string) => readonly Cell[] | undefined;

/** Range checks have no baseline of their own: their change is measured against this many same-weekday days. */
const RANGE_BASELINE_POINTS = 8;

/** The checks attribution explains: a trend or range check that warned or went critical. */
function explains(check: CheckResult): boolean {
  return (check.kind === 'trend' || check.kind === 'range') && (check.status === 'warn' || check.status === 'critical');
}

/** The days a check's change is measured against: the trend's used baseline, or the same weekdays before. */
function comparedDays(check: CheckResult, day: string): readonly string[] {
  if (check.kind === 'trend') return check.baseline?.used.map((point) => point.day) ?? [];
  return baselineDays(day, RANGE_BASELINE_POINTS);
}

/** Every (base metric, day) whose hour partials attribution reads for this evaluation: none when nothing warned. */
export function cellsNeeded(config: NightshiftConfig, evaluation: Pick<ProofEvaluation, 'checks'>, day: string): { metric: string; day: string }[] {
  const needed = new Map<string, { metric: string; day: string }>();
  for (const check of evaluation.checks.filter(explains)) {
    for (const metric of baseMetricsOf(config, check.metric)) {
      for (const onDay of [day, ...comparedDays(check, day)]) needed.set(`${metric}\u0001${onDay}`, { metric, day: onDay });
    }
  }
  return [...needed.values()];
}

/**
 * Adds to each trend or range check that warned or went critical which kept dimensions and hours
 * explain its change (`attributeChange`), from the day's and its baseline days' cells. Pure: the
 * job reads the cells from the rollup's hour partials, the benchmark generates them.
 */
export function explainProof<T extends Pick<ProofEvaluation, 'checks'>>(evaluation: T, input: { config: NightshiftConfig; day: string; cells: CellsLookup }): T {
  const checks = evaluation.checks.map((check) => {
    if (!explains(check)) return check;
    const attribution = explainCheck(check, input);
    return attribution ? { ...check, attribution } : check;
  });
  return { ...evaluation, checks };
}

function explainCheck(check: CheckResult, input: { config: NightshiftConfig; day: string; cells: CellsLookup }): Attribution | undefined {
  const { config, day, cells } = input;
  const [first, second] = baseMetricsOf(config, check.metric);
  if (first === undefined) return undefined;
  const breakdown = (onDay: string): Breakdown | undefined => {
    const numerator = cells(first, onDay);
    if (second === undefined) return numerator ? { numerator } : undefined;
    const denominator = cells(second, onDay);
    return denominator ? { numerator: numerator ?? [], denominator } : undefined;
  };
  const observed = breakdown(day) ?? (second === undefined ? { numerator: [] } : undefined);
  const baseline = comparedDays(check, day)
    .map(breakdown)
    .filter((value): value is Breakdown => value !== undefined);
  if (!observed || baseline.length === 0) return undefined;
  return attributeChange({ observed, baseline, dimensions: config.dimensions });
}

/** The rollup's hour partials of a metric-day as cells by local hour (a fall-back day's two 01:00 hours add up). */
export function cellsOfPartials(partials: readonly HourPartial[], timezone: string): Cell[] {
  const cells: Cell[] = [];
  for (const partial of partials) {
    const hour = localHourOf(partial.hour, timezone);
    for (const [dimsKey, totals] of partial.groups) cells.push({ dimsKey, hour, value: totals.sum });
  }
  return cells;
}

/** The local hour of day a UTC hour key (`2026-11-19T19`) starts in. */
export function localHourOf(hourKey: string, timezone: string): number {
  return DateTime.fromISO(`${hourKey}:00:00`, { zone: 'utc' }).setZone(timezone).hour;
}
