import { describe, expect, it } from 'vitest';
import { InvalidJobParamsError } from '../../../functions/core/jobs/errors';
import { planHours } from '../../../functions/jobs/rollup/hours';
import { rollupParams } from '../../../functions/jobs/rollup/params';
import { capGroups } from '../../../functions/jobs/rollup/recompute';

const NOW = new Date('2026-11-23T12:30:00Z');
const base = { now: NOW, lookbackHours: 48, timezone: 'America/Los_Angeles', pending: [] as string[], written: [] as string[] };

describe('rollupParams', () => {
  it.each([{}, { from: '2026-11-01' }, { from: '2026-11-01', to: '2026-11-30' }, { from: '2026-11-01T00:00:00Z', to: '2026-11-02T10:00:00-08:00' }, { to: '2026-11-03' }])(
    'accepts %j',
    (params) => {
      // Act
      const parsed = rollupParams.safeParse(params);

      // Assess
      expect(parsed.success).toBe(true);
    },
  );

  it.each([
    [{ from: '2026-11-31' }, 'not a calendar day'],
    [{ from: '2026-11-01T00:00:00' }, 'a local day (YYYY-MM-DD) or an ISO-8601 time with offset'],
    [{ from: '2026-11-05', to: '2026-11-04' }, 'is after to'],
    [{ from: '2026-10-01', to: '2026-11-01' }, 'longer than 31 days'],
    [{ from: '2026-11-01', extra: 1 }, 'Unrecognized key'],
  ])('refuses %j, saying why', (params, message) => {
    // Act
    const parsed = rollupParams.safeParse(params);

    // Assess
    expect(parsed.success).toBe(false);
    expect(JSON.stringify(parsed.error?.issues)).toContain(message);
  });
});

describe('planHours', () => {
  it('scans the lookback and the next hour (events may run a little ahead of the clock), oldest first', () => {
    // Act
    const plan = planHours({ ...base, params: {} });

    // Assess
    expect(plan.hours).toHaveLength(48 + 1 + 1);
    expect(plan.hours[0]).toBe('2026-11-21T12');
    expect(plan.hours.at(-1)).toBe('2026-11-23T13');
    expect(plan.range).toBeUndefined();
  });

  it('adds an explicit range of local days, DST-exact, and pending hours of any age', () => {
    // Act: 2026-11-01 in Los Angeles runs 07:00Z → 08:00Z next day (25 hours).
    const plan = planHours({ ...base, params: { from: '2026-11-01', to: '2026-11-01' }, pending: ['2025-01-01T00'] });

    // Assess
    expect(plan.range).toEqual({ from: '2026-11-01T07:00:00.000Z', to: '2026-11-02T08:00:00.000Z', hours: 25 });
    expect(plan.hours).toContain('2026-11-01T07');
    expect(plan.hours).toContain('2026-11-02T07');
    expect(plan.hours).not.toContain('2026-11-01T06');
    expect(plan.hours).not.toContain('2026-11-02T08');
    expect(plan.hours[0]).toBe('2025-01-01T00');
  });

  it('adds every hour ingest marked as written, however old, and lists each hour once', () => {
    // Act
    const plan = planHours({ ...base, params: {}, written: ['2026-11-18T09', '2024-06-01T23', '2026-11-23T11'], pending: ['2026-11-18T09'] });

    // Assess
    expect(plan.hours).toHaveLength(48 + 1 + 1 + 2);
    expect(plan.hours.slice(0, 2)).toEqual(['2024-06-01T23', '2026-11-18T09']);
    expect(new Set(plan.hours).size).toBe(plan.hours.length);
  });

  it('lists only the marked and pending hours for a debounced run (no lookback)', () => {
    // Act
    const plan = planHours({ ...base, params: {}, listLookback: false, written: ['2026-11-23T11', '2024-06-01T23'], pending: ['2026-11-22T09'] });

    // Assess
    expect(plan.hours).toEqual(['2024-06-01T23', '2026-11-22T09', '2026-11-23T11']);
  });

  it('takes a missing `to` as now and a missing `from` as the lookback before `to`', () => {
    // Act
    const plan = planHours({ ...base, params: { to: '2026-11-10T05:10:00Z' } });

    // Assess
    expect(plan.range).toEqual({ from: '2026-11-08T05:10:00.001Z', to: '2026-11-10T05:10:00.001Z', hours: 49 });
  });

  it('refuses a range longer than 31 days once resolved against now', () => {
    // Act
    const attempt = (): unknown => planHours({ ...base, params: { from: '2026-09-01' } });

    // Assess
    expect(attempt).toThrow(InvalidJobParamsError);
    expect(attempt).toThrow('longer than 31 days');
  });
});

describe('capGroups', () => {
  const totals = (count: number, sum = count) => ({ count, sum, min: 1, max: sum });

  it('keeps everything up to the cap', () => {
    // Act
    const capped = capGroups(new Map([['a', totals(1)], ['b', totals(2)]]), 2);

    // Assess
    expect(capped.other).toBeUndefined();
    expect(capped.kept.map(([key]) => key)).toEqual(['b', 'a']);
  });

  it('past the cap keeps the largest by count (ties by key) and merges the rest into one group', () => {
    // Prepare
    const groups = new Map([
      ['store=d', totals(5)],
      ['store=a', totals(3)],
      ['store=c', totals(3)],
      ['store=b', totals(1, 40)],
      ['store=e', totals(2)],
    ]);

    // Act
    const capped = capGroups(groups, 3);

    // Assess
    expect(capped.kept.map(([key]) => key)).toEqual(['store=d', 'store=a']);
    expect(capped.other).toEqual({ totals: { count: 6, sum: 45, min: 1, max: 40 }, merged: 3 });
  });
});
