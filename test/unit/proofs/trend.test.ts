import { describe, expect, it } from 'vitest';
import { checkTrend, type BaselineCandidate } from '../../../functions/core/proofs/trend-check';
import type { DailyValue } from '../../../functions/core/proofs/types';
import { parsedCheck } from '../../helpers/proofs';

const value = (v: number, denominator?: number): DailyValue => ({ defined: true, value: v, hasData: true, ...(denominator !== undefined ? { denominator } : {}) });
const noData: DailyValue = { defined: true, value: 0, hasData: false };

/** Same-weekday candidates, newest first, one week apart before 2026-11-22. */
function baseline(values: readonly (number | DailyValue)[], earlierCritical: readonly number[] = []): BaselineCandidate[] {
  return values.map((v, index) => ({
    day: new Date(Date.UTC(2026, 10, 22 - 7 * (index + 1))).toISOString().slice(0, 10),
    value: typeof v === 'number' ? value(v) : v,
    earlierCritical: earlierCritical.includes(index),
  }));
}

const flat = baseline(Array.from({ length: 8 }, () => 1000));

describe('trend check thresholds', () => {
  it.each([
    // σ = 5% of 1000 = 50: z 3 is 1150 (15%), z 5 is 1250 (25%)
    [1149, 'pass'],
    [1150, 'warn'],
    [1249, 'warn'],
    [1250, 'critical'],
    [851, 'pass'],
    [850, 'warn'],
    [750, 'critical'],
  ])('σ floored at 5 percent: %s → %s', (observed, status) => {
    // Prepare
    const check = parsedCheck({ kind: 'trend', metric: 'revenue', sigmaFloor: 0.05 });

    // Act
    const verdict = checkTrend(check, value(observed), flat, false);

    // Assess
    expect(verdict.status).toBe(status);
    expect(verdict.score).toBeCloseTo((observed - 1000) / 50, 9);
    expect(verdict.baseline?.sigma).toBe(50);
  });

  it.each([
    // σ = 2% of 1000 = 20: z ≥ 5 already at 10.0%, but a z-score needs ≥ 10% change
    [1099, 'pass'],
    [1100, 'critical'],
  ])('a z-score counts only with a change of 10 percent or more: %s → %s', (observed, status) => {
    // Act
    const verdict = checkTrend(parsedCheck({ kind: 'trend', metric: 'revenue' }), value(observed), flat, false);

    // Assess
    expect(verdict.status).toBe(status);
  });

  it.each([
    // σ = 20% of 1000 = 200: z stays < 3, the change alone decides
    [1499, 'pass', null],
    [1500, 'critical', 'large_change'],
    [501, 'pass', null],
    [500, 'critical', 'large_change'],
  ])('a change of 50 percent is critical whatever z: %s → %s', (observed, status, reason) => {
    // Act
    const verdict = checkTrend(parsedCheck({ kind: 'trend', metric: 'revenue', sigmaFloor: 0.2 }), value(observed), flat, false);

    // Assess
    expect([verdict.status, verdict.reason]).toEqual([status, reason]);
  });

  it('is critical at zero where the baseline median is positive, even with a wide σ', () => {
    // Act
    const verdict = checkTrend(parsedCheck({ kind: 'trend', metric: 'revenue', sigmaFloor: 5, criticalChange: 2 }), value(0), flat, false);

    // Assess
    expect([verdict.status, verdict.reason]).toEqual(['critical', 'zero_with_positive_baseline']);
  });

  it('only counts deviations in the configured direction', () => {
    // Prepare
    const up = parsedCheck({ kind: 'trend', metric: 'revenue', direction: 'up' });
    const down = parsedCheck({ kind: 'trend', metric: 'revenue', direction: 'down' });

    // Act
    const dropSeenUp = checkTrend(up, value(400), flat, false);
    const spikeSeenUp = checkTrend(up, value(1600), flat, false);
    const spikeSeenDown = checkTrend(down, value(1600), flat, false);

    // Assess
    expect(dropSeenUp.status).toBe('pass');
    expect(dropSeenUp.expected?.min).toBeNull();
    expect(spikeSeenUp.status).toBe('critical');
    expect(spikeSeenDown.status).toBe('pass');
  });

  it('floors σ of a ratio at the binomial √(p(1−p)/n) of the day', () => {
    // Prepare
    const rates = baseline(Array.from({ length: 8 }, () => 0.03));
    const n = 10_000;
    const binomial = Math.sqrt((0.03 * 0.97) / n);

    // Act
    const verdict = checkTrend(parsedCheck({ kind: 'trend', metric: 'conversion_rate' }), value(0.036, n), rates, true);

    // Assess
    expect(verdict.baseline?.sigma).toBeCloseTo(binomial, 12);
    expect(verdict.score).toBeCloseTo((0.036 - 0.03) / binomial, 9);
    expect(verdict.status).toBe('warn');
  });
});

describe('trend check baseline', () => {
  it('is skipped with insufficient_history below minPoints, never scoring missing days as zero', () => {
    // Prepare
    const sparse = baseline([1000, 1000, noData, 1000, 1000, 1000, noData, noData]);

    // Act
    const verdict = checkTrend(parsedCheck({ kind: 'trend', metric: 'revenue' }), value(0), sparse, false);

    // Assess
    expect([verdict.status, verdict.reason]).toEqual(['skipped', 'insufficient_history']);
    expect(verdict.baseline?.used).toHaveLength(5);
    expect(verdict.baseline?.excluded.map((e) => e.reason)).toEqual(['no_data', 'no_data', 'no_data']);
  });

  it('scores at exactly minPoints usable points', () => {
    // Prepare
    const six = baseline([1000, 1000, noData, 1000, 1000, 1000, noData, 1000]);

    // Act
    const verdict = checkTrend(parsedCheck({ kind: 'trend', metric: 'revenue' }), value(1000), six, false);

    // Assess
    expect(verdict.status).toBe('pass');
    expect(verdict.baseline?.used).toHaveLength(6);
  });

  it('leaves out earlier critical days and critical outliers, so a past outage does not lower the expectation', () => {
    // Prepare: week 2 was an earlier critical day, week 5 an unflagged outage (0)
    const candidates = baseline([1000, 400, 1010, 990, 0, 1000, 1005, 995], [1]);

    // Act
    const verdict = checkTrend(parsedCheck({ kind: 'trend', metric: 'revenue' }), value(1000), candidates, false);

    // Assess
    expect(verdict.status).toBe('pass');
    expect(verdict.baseline?.excluded).toEqual([
      { day: '2026-11-08', reason: 'earlier_critical' },
      { day: '2026-10-18', reason: 'outlier' },
    ]);
    expect(verdict.baseline?.used.map((p) => p.value)).toEqual([1000, 1010, 990, 1000, 1005, 995]);
    expect(verdict.baseline?.mean).toBe(1000);
  });

  it('skips a ratio with a zero denominator and keeps such days out of the baseline', () => {
    // Prepare
    const undefinedRate: DailyValue = { defined: false, reason: 'zero_denominator', numerator: 0 };
    const candidates = baseline([0.03, undefinedRate, 0.03, 0.03, 0.03, 0.03, 0.03, 0.03]);

    // Act
    const today = checkTrend(parsedCheck({ kind: 'trend', metric: 'conversion_rate' }), undefinedRate, candidates, true);
    const tomorrow = checkTrend(parsedCheck({ kind: 'trend', metric: 'conversion_rate' }), value(0.03, 5000), candidates, true);

    // Assess
    expect([today.status, today.reason, today.observed]).toEqual(['skipped', 'zero_denominator', null]);
    expect(tomorrow.baseline?.excluded).toEqual([{ day: '2026-11-08', reason: 'zero_denominator' }]);
    expect(tomorrow.status).toBe('pass');
  });
});

describe('trend check spread pooled over the weekdays of the baseline weeks', () => {
  /** Six other weekdays' candidates, 8 weeks each, swinging ±`swing` around their level. */
  function otherWeekdays(level: number, swing: number): BaselineCandidate[][] {
    return Array.from({ length: 6 }, (_, weekday) => baseline(Array.from({ length: 8 }, (_, week) => level * (1 + (week % 2 === 0 ? swing : -swing)) * (1 + weekday / 10))));
  }

  it('does not call an ordinary day critical when its own weekday happened to be quiet but the metric swings ±6% day to day', () => {
    // Prepare: eight same-weekday points within ±0.5% (a sample σ well under the floor), the
    // other weekdays of the same weeks ±6%; the day is 12% up.
    const quiet = baseline([1000, 1005, 995, 1002, 998, 1004, 996, 1000]);
    const check = parsedCheck({ kind: 'trend', metric: 'sessions' });

    // Act
    const alone = checkTrend(check, value(1120), quiet, false);
    const pooled = checkTrend(check, value(1120), quiet, false, otherWeekdays(1000, 0.06));

    // Assess: alone, σ is the 2% floor (z 6, critical); pooled, σ is the metric's ±6% (z < 3)
    expect(alone.status).toBe('critical');
    expect(pooled.status).toBe('pass');
    expect(pooled.baseline?.sigma).toBeGreaterThan(60);
  });

  /** σ² weighted by degrees of freedom: 7 same-weekday, 42 pooled × 0.37 (a MAD's efficiency), widened by √(1 + 1/8). */
  const combined = (sameWeekday: number, pooled: number) => Math.sqrt((7 * sameWeekday ** 2 + 42 * 0.37 * pooled ** 2) / (7 + 42 * 0.37)) * Math.sqrt(1 + 1 / 8);
  /** The pooled σ of `otherWeekdays(1000, swing)`: MAD × 1.4826 × √(48 / 42) of a relative ±swing. */
  const pooledOf = (swing: number) => 1000 * swing * 1.4826 * Math.sqrt(48 / 42);

  it('keeps a wider band for a weekday that really swings more than the others, and still flags a real drop', () => {
    // Prepare: the other weekdays are steady (±1%), the scored weekday itself swings ±5%.
    const swinging = baseline([1050, 950, 1050, 950, 1050, 950, 1050, 950]);
    const check = parsedCheck({ kind: 'trend', metric: 'sessions' });

    // Act
    const ordinary = checkTrend(check, value(1080), swinging, false, otherWeekdays(1000, 0.01));
    const drop = checkTrend(check, value(600), swinging, false, otherWeekdays(1000, 0.01));

    // Assess: σ lies between the pooled ±1.7% and the weekday's own ±5.3%, by their degrees of freedom
    expect(ordinary.status).toBe('pass');
    expect(ordinary.baseline?.sigma).toBeCloseTo(combined(53.45, pooledOf(0.01)), 0);
    expect(ordinary.baseline?.sigma).toBeGreaterThan(pooledOf(0.01) * Math.sqrt(1 + 1 / 8));
    expect([drop.status, drop.reason]).toEqual(['critical', 'critical_z']);
  });

  it('warns on a +20% day where the weekday is steady (±2%) and the other weekdays swing ±6.7%', () => {
    // Prepare: a σ taken as the larger of the two estimates (6.7%) put +20% at z 2.8 (pass);
    // weighting each by its degrees of freedom puts σ at 5.7% and the day at z 3.3.
    const steady = baseline([1020, 980, 1020, 980, 1020, 980, 1020, 980]);
    const check = parsedCheck({ kind: 'trend', metric: 'revenue' });

    // Act
    const spike = checkTrend(check, value(1200), steady, false, otherWeekdays(1000, 0.042));
    const ordinary = checkTrend(check, value(1100), steady, false, otherWeekdays(1000, 0.042));

    // Assess
    expect(spike.baseline?.sigma).toBeCloseTo(combined(21.38, pooledOf(0.042)), 0);
    expect([spike.status, spike.reason]).toEqual(['warn', 'warn_z']);
    expect(ordinary.status).toBe('pass');
  });

  it('pools only usable points: a past outage on another weekday does not widen σ', () => {
    // Prepare: steady weekdays (±1%), one of them with a zero day (an outage) in its weeks.
    const weekdays = otherWeekdays(1000, 0.01);
    weekdays[2]![3] = { ...weekdays[2]![3]!, value: value(0) };
    const check = parsedCheck({ kind: 'trend', metric: 'sessions' });

    // Act
    const verdict = checkTrend(check, value(1150), flat, false, weekdays);

    // Assess: σ is the 2% floor of 1000 (the pooled ±1% is below it), so +15% is critical
    expect(verdict.baseline?.sigma).toBe(20);
    expect(verdict.status).toBe('critical');
  });
});
