import { describe, expect, it } from 'vitest';
import { InvalidJobParamsError } from '../../../functions/core/jobs/errors';
import { planExport } from '../../../functions/jobs/export/plan';
import { testConfig } from '../../helpers/jobs';

const config = testConfig({
  metrics: { revenue: {}, orders: {}, sessions: {} },
  ratios: { conversion_rate: { numerator: 'orders', denominator: 'sessions' } },
  dimensions: ['store', 'channel'],
});

function refusal(params: Record<string, unknown>, period?: string): string {
  try {
    planExport(params, { config, period });
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidJobParamsError);
    return (error as Error).message;
  }
  throw new Error('the plan was accepted');
}

describe('planExport', () => {
  it('defaults to csv, every configured metric, no groupBy, and keys the object by name, fingerprint and end day', () => {
    // Act
    const plan = planExport({ from: '2026-11-16', to: '2026-11-22' }, { config });

    // Assess
    expect(plan).toMatchObject({ format: 'csv', source: 'stats', metrics: ['orders', 'revenue', 'sessions'], groupBy: [], contentType: 'text/csv; charset=utf-8' });
    expect(plan.days).toEqual(['2026-11-16', '2026-11-17', '2026-11-18', '2026-11-19', '2026-11-20', '2026-11-21', '2026-11-22']);
    expect(plan.key).toMatch(/^exports\/metrics-daily-stats-[0-9a-f]{8}-20261122\.csv$/);
  });

  it('gives the same export the same key and different exports different keys', () => {
    // Act
    const key = (params: Record<string, unknown>) => planExport(params, { config }).key;
    const base = { from: '2026-11-16', to: '2026-11-22' };

    // Assess
    expect(key(base)).toBe(key({ ...base, metrics: ['orders', 'revenue', 'sessions'] }));
    expect(key({ ...base, format: 'json' })).toBe(key(base).replace(/\.csv$/, '.json'));
    const others = [key({ ...base, from: '2026-11-15' }), key({ ...base, groupBy: ['store'] }), key({ ...base, metrics: ['orders'] }), key({ ...base, name: 'finance' })];
    expect(new Set([key(base), ...others]).size).toBe(5);
    expect(key({ ...base, name: 'finance' })).toMatch(/^exports\/metrics-finance-[0-9a-f]{8}-20261122\.csv$/);
  });

  it('expands a week period to its local days, also the week DST ends in', () => {
    // Act
    const fallBackWeek = planExport({}, { config, period: '2026-W44' });
    const sundayStart = planExport({}, { config: { ...config, weekStartsOn: 'sunday' }, period: '2026-W47' });

    // Assess
    expect(fallBackWeek.days).toEqual(['2026-10-26', '2026-10-27', '2026-10-28', '2026-10-29', '2026-10-30', '2026-10-31', '2026-11-01']);
    expect([fallBackWeek.from, fallBackWeek.to]).toEqual(['2026-10-26', '2026-11-01']);
    expect([sundayStart.from, sundayStart.to]).toEqual(['2026-11-15', '2026-11-21']);
  });

  it.each([
    [{ from: '2026-11-16', to: '2026-11-22', metrics: ['visits'] }, 'unknown metric "visits" (configured: orders, revenue, sessions)'],
    [{ from: '2026-11-16', to: '2026-11-22', metrics: ['conversion_rate'] }, '"conversion_rate" is a ratio'],
    [{ from: '2026-11-16', to: '2026-11-22', groupBy: ['device'] }, 'unknown dimension "device" (configured: store, channel)'],
    [{ from: '2026-11-22', to: '2026-11-16' }, 'from (2026-11-22) is after to (2026-11-16)'],
    [{ from: '2025-11-16', to: '2026-11-22' }, 'has 372 days; at most 366'],
    [{ from: '2026-02-30', to: '2026-03-02' }, 'params.from: not a calendar day'],
    [{ from: '2026-11-16' }, 'give both from and to'],
    [{}, 'params.from and params.to are required'],
    [{ from: '2026-11-16', to: '2026-11-22', format: 'xlsx' }, 'params.format: one of csv, json'],
    [{ from: '2026-11-16', to: '2026-11-22', source: 'tables' }, 'params.source: one of stats, snapshots'],
    [{ from: '2026-11-16', to: '2026-11-22', source: 'snapshots' }, 'the config declares no snapshot metrics to export'],
    [{ from: '2026-11-16', to: '2026-11-22', periodType: 'weekly' }, 'params.periodType: only with source "snapshots"'],
    [{ from: '2026-11-16', to: '2026-11-22', name: '../etc' }, 'params.name: a slug'],
    [{ from: '2026-11-16', to: '2026-11-22', metrics: ['orders', 'orders'] }, '"orders" is listed twice'],
    [{ from: '2026-11-16', to: '2026-11-22', limit: 5 }, 'Unrecognized key'],
  ])('refuses %j with a message naming the problem', (params, message) => {
    // Act + Assess
    expect(refusal(params)).toContain(message);
  });

  it('refuses a period together with from/to, and a period that is not one', () => {
    // Act + Assess
    expect(refusal({ from: '2026-11-16', to: '2026-11-22' }, '2026-W47')).toContain('either a period (2026-W47) or params.from/to');
    expect(refusal({}, '2026-W60')).toContain('export range:');
  });

  it('accepts a full leap year and refuses one day more', () => {
    // Act + Assess
    expect(planExport({ from: '2028-01-01', to: '2028-12-31' }, { config }).days).toHaveLength(366);
    expect(refusal({ from: '2027-12-31', to: '2028-12-31' })).toContain('has 367 days');
  });
});
