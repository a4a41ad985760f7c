import type { NightshiftConfig } from '../config';
import type { DailyValue, FactsLookup } from './types';

/** A number for a message: at most 6 decimals, so messages read like the rounded artifact. */
export function formatValue(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  const rounded = Math.round(value * 1e6) / 1e6;
  return String(Object.is(rounded, -0) ? 0 : rounded);
}

/** Why a ratio has no value, for messages. */
export function undefinedRatioMessage(value: { reason: 'zero_denominator' | 'no_data'; numerator: number }): string {
  return value.reason === 'no_data' ? 'undefined: no stats for the denominator' : `undefined: the denominator is 0 (numerator ${formatValue(value.numerator)})`;
}

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
  const denominatorFacts = facts(ratio.denominator, day);
  const denominator = denominatorFacts.sum;
  if (denominator === 0) {
    const reason = denominatorFacts.meta === undefined && denominatorFacts.count === 0 ? 'no_data' : 'zero_denominator';
    return { defined: false, reason, numerator };
  }
  return { defined: true, value: numerator / denominator, hasData: true, denominator };
}
