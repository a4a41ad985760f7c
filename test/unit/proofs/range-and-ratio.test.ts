import { describe, expect, it } from 'vitest';
import { checkRange } from '../../../functions/core/proofs/range-check';
import { checkRatioConsistency } from '../../../functions/core/proofs/ratio-consistency-check';
import { dailyValue } from '../../../functions/core/proofs/daily-value';
import type { DailyValue } from '../../../functions/core/proofs/types';
import { FactsTable, dayFacts, parsedCheck, proofConfig } from '../../helpers/proofs';

const value = (v: number): DailyValue => ({ defined: true, value: v, hasData: true });

describe('range check', () => {
  const check = parsedCheck({ kind: 'range', metric: 'revenue', hard: { min: 0, max: 10_000 }, soft: { min: 100, max: 5_000 } });

  it.each([
    [-0.01, 'critical', 'below_hard_min'],
    [0, 'warn', 'below_soft_min'],
    [99.99, 'warn', 'below_soft_min'],
    [100, 'pass', null],
    [5_000, 'pass', null],
    [5_000.01, 'warn', 'above_soft_max'],
    [10_000, 'warn', 'above_soft_max'],
    [10_000.01, 'critical', 'above_hard_max'],
  ])('judges %s as %s (bounds inclusive)', (observed, status, reason) => {
    // Act
    const verdict = checkRange(check, value(observed), false);

    // Assess
    expect(verdict.status).toBe(status);
    expect(verdict.reason).toBe(reason);
    expect(verdict.expected).toEqual({ min: 100, max: 5_000 });
  });

  it('is critical on NaN, and on a ratio outside [0, 1] even without bounds', () => {
    // Prepare
    const bare = parsedCheck({ kind: 'range', metric: 'conversion_rate' });

    // Act
    const nan = checkRange(bare, value(Number.NaN), true);
    const above = checkRange(bare, value(1.0001), true);
    const one = checkRange(bare, value(1), true);
    const below = checkRange(bare, value(-0.0001), true);

    // Assess
    expect([nan.status, nan.reason, nan.observed]).toEqual(['critical', 'not_a_number', null]);
    expect([above.status, above.reason]).toEqual(['critical', 'ratio_out_of_bounds']);
    expect(one.status).toBe('pass');
    expect(below.status).toBe('critical');
  });

  it('reports a ratio with a zero denominator as undefined (warn), never dividing', () => {
    // Prepare
    const config = proofConfig();
    const facts = new FactsTable()
      .set('orders', '2026-11-22', dayFacts(3))
      .set('sessions', '2026-11-22', { ...dayFacts(0), count: 0 })
      .set('orders', '2026-11-23', dayFacts(3));
    const check = parsedCheck({ kind: 'range', metric: 'conversion_rate', hard: { min: 0, max: 1 } });

    // Act
    const observed = dailyValue(config, 'conversion_rate', '2026-11-22', facts.lookup);
    const verdict = checkRange(check, observed, true);
    const withoutStats = dailyValue(config, 'conversion_rate', '2026-11-23', facts.lookup);

    // Assess
    expect(observed).toEqual({ defined: false, reason: 'zero_denominator', numerator: 3 });
    expect([verdict.status, verdict.reason, verdict.observed]).toEqual(['warn', 'zero_denominator', null]);
    expect(withoutStats).toEqual({ defined: false, reason: 'no_data', numerator: 3 });
    expect(checkRange(check, withoutStats, true).reason).toBe('no_data');
  });
});

describe('ratio consistency check', () => {
  const check = parsedCheck({ kind: 'ratio_consistency', numerator: 'orders', denominator: 'sessions', ratio: 'conversion_rate' });

  it.each([
    [99, 100, 'pass'],
    [100, 100, 'pass'],
    [101, 100, 'critical'],
  ])('orders %s vs sessions %s → %s', (orders, sessions, status) => {
    // Act
    const verdict = checkRatioConsistency(check, orders, sessions);

    // Assess
    expect(verdict.status).toBe(status);
    expect(verdict.observed).toBeCloseTo(orders / sessions, 12);
  });

  it('honours a tolerance, and handles zero denominators without dividing', () => {
    // Prepare
    const tolerant = parsedCheck({ kind: 'ratio_consistency', numerator: 'orders', denominator: 'sessions', tolerance: 0.05 });

    // Act
    const within = checkRatioConsistency(tolerant, 105, 100);
    const beyond = checkRatioConsistency(tolerant, 105.01, 100);
    const ordersWithoutSessions = checkRatioConsistency(check, 4, 0);
    const nothing = checkRatioConsistency(check, 0, 0);

    // Assess
    expect(within.status).toBe('pass');
    expect(beyond.status).toBe('critical');
    expect([ordersWithoutSessions.status, ordersWithoutSessions.reason, ordersWithoutSessions.observed]).toEqual(['critical', 'numerator_exceeds_denominator', null]);
    expect([nothing.status, nothing.reason]).toEqual(['skipped', 'zero_denominator']);
  });

  it('refuses a config whose named ratio is not numerator / denominator', () => {
    // Act
    const build = () => proofConfig([{ kind: 'ratio_consistency', numerator: 'revenue', denominator: 'sessions', ratio: 'conversion_rate' }]);

    // Assess
    expect(build).toThrow(/ratio "conversion_rate" is orders \/ sessions, not revenue \/ sessions/);
  });
});
