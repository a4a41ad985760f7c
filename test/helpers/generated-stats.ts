import type { GroupTotals } from '../../functions/core/rollup/groups';
import type { DailyStat, MetricDay, StatsReader } from '../../functions/core/rollup/ports';
import { seededRandom } from './rollup-events';

/** A year of stats for every store × channel, computed on demand: nothing is held. */
export interface GeneratedStatsShape {
  seed: number;
  metrics: readonly string[];
  stores: number;
  channels: readonly string[];
}

export const storeName = (index: number): string => `s${String(index).padStart(3, '0')}`;

/** FNV-1a: a stable 32-bit seed per group. */
function hash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i += 1) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/** The totals of one (metric, day, store, channel) group; quarters, so every sum is exact. */
export function generatedTotals(shape: GeneratedStatsShape, metric: string, day: string, store: string, channel: string): GroupTotals {
  const random = seededRandom(hash(`${shape.seed}|${metric}|${day}|${store}|${channel}`));
  const count = 1 + Math.floor(random() * 40);
  const min = Math.round(random() * 400) / 4 - 10;
  const max = min + Math.round(random() * 800) / 4;
  const sum = count === 1 ? min : Math.round(((min + max) / 2) * count * 4) / 4;
  return { count, sum, min, max: count === 1 ? min : max };
}

/** The `StatsReader` of that year: each metric-day's items built when asked for. */
export class GeneratedStatsReader implements StatsReader {
  reads = 0;

  constructor(private readonly shape: GeneratedStatsShape) {}

  async dailyStats({ metric, day }: MetricDay): Promise<{ items: DailyStat[] }> {
    this.reads += 1;
    const items: DailyStat[] = [];
    for (let s = 0; s < this.shape.stores; s += 1) {
      for (const channel of this.shape.channels) {
        const store = storeName(s);
        const totals = generatedTotals(this.shape, metric, day, store, channel);
        items.push({ metric, day, dimsKey: `channel=${channel}\u0002store=${store}`, dims: { store, channel }, ...totals, updatedAt: '2026-11-23T00:00:00.000Z' });
      }
    }
    return { items };
  }
}
