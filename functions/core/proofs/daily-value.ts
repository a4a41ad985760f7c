import type { NightshiftConfig } from '../config';
import type { DailyValue, FactsLookup } from './types';

export function isRatio(config: NightshiftConfig, metric: string): boolean {
  return Object.hasOwn(config.ratios, metric);
}

/** The base metrics a metric or ratio is computed from. */
export function baseMetricsOf(config: NightshiftConfig, metric: string): string[] {
  const ratio = config.ratios[metric];
  return ratio ? [ratio.numerator, ratio.denominator] : [metric];
}

/**
 * A metric's value for a local day: the day's sum over every group (a day without stats is 0,
 * and `hasData` says so). A ratio is Σ numerator / Σ denominator over the day, never a mean of
 * per-group ratios; with a zero denominator it is undefined, reported and never divided.
 */
export function dailyValue(config: NightshiftConfig, metric: string, day: string, facts: FactsLookup): DailyValue {
  const ratio = config.ratios[metric];
  if (!ratio) {
    const own = facts(metric, day);
    return { defined: true, value: own.sum, hasData: own.meta !== undefined || own.count > 0 };
  }
  const numerator = facts(ratio.numerator, day).sum;
  const denominator = facts(ratio.denominator, day).sum;
  if (denominator === 0) return { defined: false, reason: 'zero_denominator', numerator };
  return { defined: true, value: numerator / denominator, hasData: true, denominator };
}
