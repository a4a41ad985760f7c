import { beforeAll, describe, expect, it } from 'vitest';
import demoConfig from '../../../nightshift.config';
import { parseConfig } from '../../../functions/core/config';
import { measureQuality, type QualityReport } from '../../../bench/proofs/quality';

/**
 * A small fixed-seed run of the quality benchmark (`npm run bench -- proofs`): the demo checks
 * over labelled synthetic series, through the same pure functions the job runs.
 */
describe('sampling-proof quality (fixed seed, small)', () => {
  let report: QualityReport;
  beforeAll(() => {
    // Prepare / Act: ~8,000 proofs of pure functions, a couple of seconds.
    report = measureQuality(parseConfig(demoConfig, 'nightshift.config.ts'), { seed: 7, cleanSeries: 12, seriesPerAnomaly: 10, scoredDays: 90 });
  });
  const recall = (kind: string, size: string) => report.recall.find((row) => row.kind === kind && row.size === size)?.recall;

  it('finds every zero day, stale day, missing-hours day and orders > sessions', () => {
    // Assess
    expect(recall('zero', 'all metrics')).toBe(1);
    expect(recall('stale', '0.25-10h')).toBe(1);
    expect(recall('missing_hours', '1-4h')).toBe(1);
    expect(recall('orders_gt_sessions', '+5%')).toBe(1);
  });

  it('finds ≥ 90% of +50% spikes and ≥ 80% of 7-day −20% level shifts', () => {
    // Assess
    expect(recall('spike', '+50%')).toBeGreaterThanOrEqual(0.9);
    expect(recall('level_shift', '-20% x7d')).toBeGreaterThanOrEqual(0.8);
  });

  it('stays under 0.5 false warn and 0.02 false critical per metric-month on ordinary days of clean series', () => {
    // Assess: the same-weekday σ alone (before the pooled spread) gave 0.047 false criticals here.
    expect(report.clean.metricMonths).toBeGreaterThan(100);
    expect(report.ordinaryDays.falseWarnsPerMetricMonth).toBeLessThanOrEqual(0.5);
    expect(report.ordinaryDays.falseCriticalsPerMetricMonth).toBeLessThanOrEqual(0.02);
    // Holiday dips are unlabelled and do get flagged: they stay within twice the target.
    expect(report.clean.falseWarnsPerMetricMonth).toBeLessThanOrEqual(1);
    expect(report.clean.falseCriticalsPerMetricMonth).toBeLessThanOrEqual(0.2);
  });

  it('never scores a missing history as zero: short histories are skipped', () => {
    // Assess
    expect(report.clean.skippedInsufficientHistory).toBeGreaterThan(0);
  });
});
