import type { CheckResult, ExpectedBand } from './types';

/** What a trend check expected of a day: the baseline mean, the band a value passes in, and the one it is at most a warn in. */
export interface TrendBand {
  mean: number;
  /** Outside (in the checked direction): at least a warn. */
  warn: ExpectedBand;
  /** Outside: critical. */
  critical: ExpectedBand;
}

/**
 * Each trend-checked metric's expected band of the day (its first trend check), for the proof
 * index: the console draws them behind the series without opening every day's proof. The warn
 * band is the proof's `expected`; the critical one follows checkTrend's rules: |z| ≥ criticalZ
 * with at least minChange, or a change of criticalChange, whichever is nearer the mean.
 */
export function trendBands(checks: readonly CheckResult[]): Record<string, TrendBand> {
  const bands: Record<string, TrendBand> = {};
  for (const check of checks) {
    const { mean, sigma } = check.baseline ?? {};
    if (check.kind !== 'trend' || Object.hasOwn(bands, check.metric) || mean == null || sigma == null || !check.expected) continue;
    const parameter = (name: string) => Number(check.parameters[name]);
    const halfWidth = Math.min(Math.max(parameter('criticalZ') * sigma, parameter('minChange') * Math.abs(mean)), parameter('criticalChange') * Math.abs(mean));
    const direction = check.parameters['direction'];
    const critical = { min: direction === 'up' ? null : mean - halfWidth, max: direction === 'down' ? null : mean + halfWidth };
    // A change of criticalChange is critical whatever its z: the warn band never reaches past it.
    const { min, max } = check.expected;
    bands[check.metric] = {
      mean: round(mean),
      warn: { min: round(min === null ? null : Math.max(min, critical.min ?? min)), max: round(max === null ? null : Math.min(max, critical.max ?? max)) },
      critical: { min: round(critical.min), max: round(critical.max) },
    };
  }
  return bands;
}

/** Six significant digits: a chart's precision, and a small index item. */
function round<V extends number | null>(value: V): V {
  return (value === null ? null : Number(value.toPrecision(6))) as V;
}
