import type { MetricDay, RollupStore } from '../../core/rollup/ports';
import type { MetricDayFacts } from '../../core/proofs/types';
import { mapConcurrent } from '../../core/map-concurrent';

const READ_CONCURRENCY = 8;

/** What the checks need of each metric-day, from the daily stats (summed over every dims group). */
export async function readFacts(store: Pick<RollupStore, 'dailyStats'>, metricDays: readonly MetricDay[], signal: AbortSignal): Promise<Map<string, MetricDayFacts>> {
  const read = await mapConcurrent(metricDays, READ_CONCURRENCY, async (metricDay) => {
    signal.throwIfAborted();
    const { items, meta } = await store.dailyStats(metricDay);
    const facts: MetricDayFacts = {
      sum: items.reduce((total, item) => total + item.sum, 0),
      count: items.reduce((total, item) => total + item.count, 0),
      ...(meta ? { meta: { updatedAt: meta.updatedAt, hoursWithData: new Set(meta.hoursWithData).size, hoursInDay: meta.hoursInDay } } : {}),
    };
    return facts;
  });
  return new Map(metricDays.map((metricDay, index) => [factsKey(metricDay.metric, metricDay.day), read[index] ?? { sum: 0, count: 0 }]));
}

export const factsKey = (metric: string, day: string): string => `${metric}\u0001${day}`;
