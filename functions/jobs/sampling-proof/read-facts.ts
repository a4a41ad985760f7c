import { metricDayKey, type DayMeta, type MetricDay, type RollupStore } from '../../core/rollup/ports';
import type { MetricDayFacts } from '../../core/proofs/types';
import type { Cell } from '../../core/proofs/attribution';
import { cellsOfPartials } from '../../core/proofs/explain';
import { mapConcurrent } from '../../core/map-concurrent';

const READ_CONCURRENCY = 8;

/**
 * What the checks need of each metric-day: its total and count, and how complete it is. Read
 * from the days' meta items in a few batched reads (the eight weeks a trend check pools its
 * spread over are 57 days a metric); a day last recomputed before the meta kept its sum is read
 * whole and summed over its dims groups.
 */
export async function readFacts(store: Pick<RollupStore, 'dailyStats' | 'dayMetas'>, metricDays: readonly MetricDay[], signal: AbortSignal): Promise<Map<string, MetricDayFacts>> {
  const metas = await store.dayMetas(metricDays);
  signal.throwIfAborted();
  const read = await mapConcurrent(metricDays, READ_CONCURRENCY, async (metricDay): Promise<MetricDayFacts> => {
    const meta = metas.get(metricDayKey(metricDay));
    if (meta === undefined) return { sum: 0, count: 0 };
    if (meta.sum !== undefined) return { sum: meta.sum, count: meta.events, meta: completeness(meta) };
    signal.throwIfAborted();
    const whole = await store.dailyStats(metricDay);
    return {
      sum: whole.items.reduce((total, item) => total + item.sum, 0),
      count: whole.items.reduce((total, item) => total + item.count, 0),
      ...(whole.meta ? { meta: completeness(whole.meta) } : {}),
    };
  });
  return new Map(metricDays.map((metricDay, index) => [factsKey(metricDay.metric, metricDay.day), read[index] ?? { sum: 0, count: 0 }]));
}

const completeness = (meta: DayMeta): NonNullable<MetricDayFacts['meta']> => ({ updatedAt: meta.updatedAt, hoursWithData: new Set(meta.hoursWithData).size, hoursInDay: meta.hoursInDay });

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
