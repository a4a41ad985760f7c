import { describe, expect, it } from 'vitest';
import { trendBands } from '../../../functions/core/proofs/trend-bands';
import type { CheckResult } from '../../../functions/core/proofs/types';

function trend(metric: string, mean: number, sigma: number, parameters: Record<string, unknown> = {}): CheckResult {
  const defaults = { warnZ: 3, criticalZ: 5, minChange: 0.1, criticalChange: 0.5, direction: 'both' };
  const all = { ...defaults, ...parameters };
  const half = Math.max(all.warnZ * sigma, all.minChange * mean);
  return {
    id: `trend:${metric}`,
    kind: 'trend',
    metric,
    status: 'pass',
    reason: null,
    message: '',
    observed: mean,
    expected: { min: all.direction === 'up' ? null : mean - half, max: all.direction === 'down' ? null : mean + half },
    score: 0,
    baseline: { days: [], used: [], excluded: [], mean, median: mean, sigma },
    parameters: all,
  };
}

describe('trend bands for the chart', () => {
  it('gives the warn band of the proof and the critical band by criticalZ, never wider than criticalChange', () => {
    // Act
    const bands = trendBands([trend('sessions', 1000, 50), trend('orders', 100, 20), trend('sessions', 5, 1)]);

    // Assess: sessions ±150 warn, ±250 critical (5σ); orders critical at a 50% change (±50), where its warn band (±60) stops too.
    expect(bands['sessions']).toEqual({ mean: 1000, warn: { min: 850, max: 1150 }, critical: { min: 750, max: 1250 } });
    expect(bands['orders']).toEqual({ mean: 100, warn: { min: 50, max: 150 }, critical: { min: 50, max: 150 } });
  });

  it('leaves out skipped trends and the sides a one-way check ignores', () => {
    // Prepare
    const skipped: CheckResult = { ...trend('revenue', 10, 1), status: 'skipped', expected: null, baseline: { days: [], used: [], excluded: [], mean: null, median: null, sigma: null } };

    // Act
    const bands = trendBands([skipped, trend('orders', 100, 1, { direction: 'down' })]);

    // Assess
    expect(bands).toEqual({ orders: { mean: 100, warn: { min: 90, max: null }, critical: { min: 90, max: null } } });
  });
});
