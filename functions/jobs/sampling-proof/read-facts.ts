import type { MetricDay, RollupStore } from '../../core/rollup/ports';
import type { MetricDayFacts } from '../../core/proofs/types';
import type { Cell } from '../../core/proofs/attribution';
import { cellsOfPartials } from '../../core/proofs/explain';
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

/** The hour partials of each metric-day as cells by local hour (attribution); metric-days without partials are left out. */
export async function readCells(store: Pick<RollupStore, 'partialsOf'>, timezone: string, metricDays: readonly MetricDay[], signal: AbortSignal): Promise<Map<string, Cell[]>> {
  const read = await mapConcurrent(metricDays, READ_CONCURRENCY, async (metricDay) => {
    signal.throwIfAborted();
    return cellsOfPartials(await store.partialsOf(metricDay), timezone);
  });
  const cells = new Map<string, Cell[]>();
  metricDays.forEach((metricDay, index) => {
    const found = read[index];
    if (found && found.length > 0) cells.set(factsKey(metricDay.metric, metricDay.day), found);
  });
  return cells;
}
