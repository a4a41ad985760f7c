import { describe, expect, it } from 'vitest';
import { OTHER_DIMS, OTHER_DIMS_KEY } from '../../../functions/core/rollup/groups';
import type { DailyStat } from '../../../functions/core/rollup/ports';
import { ScopeTotals, computeSnapshotValues } from '../../../functions/core/snapshots/compute';

function stat(metric: string, dims: Record<string, string>, count: number, sum: number, min: number, max: number, dimsKey = JSON.stringify(dims)): DailyStat {
  return { metric, day: '2026-11-22', dims, dimsKey, count, sum, min, max, updatedAt: '2026-11-23T00:00:00Z' };
}

describe('snapshot values', () => {
  it('adds each dimension\'s scopes up to overall, the overflow group included, and leaves events without the dimension in overall', () => {
    // Prepare
    const totals = new ScopeTotals(['store']);
    totals.add('revenue', [
      stat('revenue', { store: 's1', channel: 'web' }, 2, 30, 10, 20),
      stat('revenue', { store: 's1', channel: 'app' }, 1, 5, 5, 5),
      stat('revenue', { channel: 'web' }, 1, 7, 7, 7),
      stat('revenue', OTHER_DIMS, 3, 0.3, 0.1, 0.1, OTHER_DIMS_KEY),
    ]);

    // Act
    const values = computeSnapshotValues(
      { revenue: { stat: 'sum', metric: 'revenue' }, biggest: { stat: 'max', metric: 'revenue' }, mean: { stat: 'avg', metric: 'revenue' } },
      totals,
      new Set(['revenue']),
    );

    // Assess
    expect(values.scopes).toEqual({
      overall: { revenue: 42.3, biggest: 20, mean: 6.04285714286 },
      'store=s1': { revenue: 35, biggest: 20, mean: 11.6666666667 },
      'store=__other__': { revenue: 0.3, biggest: 0.1, mean: 0.1 },
    });
    expect(values.errors).toEqual([]);
  });

  it('reports a zero denominator per scope and an unknown metric once, keeping the other values', () => {
    // Prepare
    const totals = new ScopeTotals(['store']);
    totals.add('orders', [stat('orders', { store: 's1' }, 3, 3, 1, 1), stat('orders', { store: 's2' }, 1, 1, 1, 1)]);
    totals.add('sessions', [stat('sessions', { store: 's1' }, 30, 30, 1, 1)]);

    // Act
    const values = computeSnapshotValues(
      { conversion: { stat: 'ratio', numerator: 'orders', denominator: 'sessions' }, lost: { stat: 'count', metric: 'visits' } },
      totals,
      new Set(['orders', 'sessions']),
    );

    // Assess
    expect(values.scopes).toEqual({
      overall: { conversion: 0.133333333333, lost: null },
      'store=s1': { conversion: 0.1, lost: null },
      'store=s2': { conversion: null, lost: null },
    });
    expect(values.errors).toEqual([
      { metric: 'lost', code: 'unknown_metric', message: 'names "visits", not a configured metric' },
      { metric: 'conversion', scope: 'store=s2', code: 'zero_denominator', message: 'sessions is 0 (orders is 1): the ratio is undefined' },
    ]);
  });
});
