import { describe, expect, it } from 'vitest';
import { checkCompleteness } from '../../../functions/core/proofs/completeness-check';
import { checkFreshness } from '../../../functions/core/proofs/freshness-check';
import { parsedCheck } from '../../helpers/proofs';

// 2026-11-22 in Los Angeles ends at 2026-11-23T08:00Z.
const dayEnd = new Date('2026-11-23T08:00:00.000Z');
const proofTime = new Date('2026-11-23T11:15:00.000Z');
const meta = (updatedAt: string, hoursWithData = 24, hoursInDay = 24) => ({ updatedAt, hoursWithData, hoursInDay });

describe('freshness check (maxDelayHours 6)', () => {
  const check = parsedCheck({ kind: 'freshness', metric: 'sessions' });

  it.each([
    ['2026-11-23T08:05:00.000Z', 'pass', null],
    ['2026-11-23T08:00:00.000Z', 'pass', null],
    ['2026-11-23T07:59:59.000Z', 'warn', 'not_updated_after_close'],
    ['2026-11-23T02:00:00.000Z', 'warn', 'not_updated_after_close'],
    ['2026-11-23T01:59:59.000Z', 'critical', 'stale'],
  ])('last updated %s → %s', (updatedAt, status, reason) => {
    // Act
    const verdict = checkFreshness(check, meta(updatedAt), dayEnd, proofTime);

    // Assess
    expect([verdict.status, verdict.reason]).toEqual([status, reason]);
  });

  it('is critical when the day has no stats, and warns while the day is still open', () => {
    // Act
    const missing = checkFreshness(check, undefined, dayEnd, proofTime);
    const open = checkFreshness(check, meta('2026-11-23T07:00:00.000Z'), dayEnd, new Date('2026-11-23T07:30:00.000Z'));

    // Assess
    expect([missing.status, missing.reason]).toEqual(['critical', 'missing']);
    expect([open.status, open.reason]).toEqual(['warn', 'day_not_closed']);
  });
});

describe('completeness check', () => {
  it.each([
    [24, 'pass'],
    [23, 'warn'],
    [18, 'warn'],
    [17, 'critical'],
  ])('%s of 24 hours with the defaults → %s', (hours, status) => {
    // Act
    const verdict = checkCompleteness(parsedCheck({ kind: 'completeness', metric: 'sessions' }), meta('x', hours), 24);

    // Assess
    expect(verdict.status).toBe(status);
    expect(verdict.score).toBeCloseTo(hours / 24, 12);
  });

  it('takes a DST day at its length, honours minHours, and finds no stats critical', () => {
    // Prepare
    const lenient = parsedCheck({ kind: 'completeness', metric: 'sessions', minHours: 20, criticalMinHours: 12 });

    // Act
    const springForward = checkCompleteness(parsedCheck({ kind: 'completeness', metric: 'sessions' }), meta('x', 23, 23), 23);
    const atMin = checkCompleteness(lenient, meta('x', 20), 24);
    const belowMin = checkCompleteness(lenient, meta('x', 19), 24);
    const atCritical = checkCompleteness(lenient, meta('x', 12), 24);
    const belowCritical = checkCompleteness(lenient, meta('x', 11), 24);
    const missing = checkCompleteness(lenient, undefined, 25);

    // Assess
    expect(springForward.status).toBe('pass');
    expect([atMin.status, belowMin.status, atCritical.status, belowCritical.status]).toEqual(['pass', 'warn', 'warn', 'critical']);
    expect([missing.status, missing.observed, missing.expected]).toEqual(['critical', 0, { min: 20, max: 25 }]);
  });
});
