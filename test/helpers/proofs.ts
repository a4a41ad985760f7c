import type { CheckConfig, NightshiftConfig, NightshiftConfigInput } from '../../functions/core/config';
import type { MetricDayFacts } from '../../functions/core/proofs/types';
import { testConfig } from './jobs';

/** The demo's metrics and ratio with the given checks. */
export function proofConfig(checks: NightshiftConfigInput['checks'] = [], overrides: Partial<NightshiftConfigInput> = {}): NightshiftConfig {
  return testConfig({
    timezone: 'America/Los_Angeles',
    metrics: { revenue: {}, orders: {}, sessions: {} },
    ratios: { conversion_rate: { numerator: 'orders', denominator: 'sessions' } },
    checks,
    ...overrides,
  });
}

/** One parsed check of a kind, defaults filled in. */
export function parsedCheck<K extends CheckConfig['kind']>(check: { kind: K } & Record<string, unknown>): Extract<CheckConfig, { kind: K }> {
  const config = proofConfig([check as unknown as NonNullable<NightshiftConfigInput["checks"]>[number]]);
  return config.checks[0] as Extract<CheckConfig, { kind: K }>;
}

/** A full day of data, last updated `hoursAfterClose` after the local day ended (Los Angeles, standard time). */
export function dayFacts(sum: number, options: { count?: number; hoursWithData?: number; hoursInDay?: number; updatedAt?: string } = {}): MetricDayFacts {
  return {
    sum,
    count: options.count ?? Math.max(1, Math.round(sum)),
    meta: { updatedAt: options.updatedAt ?? '2030-01-01T00:00:00.000Z', hoursWithData: options.hoursWithData ?? 24, hoursInDay: options.hoursInDay ?? 24 },
  };
}

/** A facts table keyed by metric and day; missing entries are days without stats. */
export class FactsTable {
  private readonly facts = new Map<string, MetricDayFacts>();

  set(metric: string, day: string, facts: MetricDayFacts): this {
    this.facts.set(`${metric}|${day}`, facts);
    return this;
  }

  readonly lookup = (metric: string, day: string): MetricDayFacts => this.facts.get(`${metric}|${day}`) ?? { sum: 0, count: 0 };
}
