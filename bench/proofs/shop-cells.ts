import { dimsKeyOf } from '../../functions/core/rollup/groups';
import type { Cell } from '../../functions/core/proofs/attribution';

/**
 * A shop's hourly counts by (store, channel), for attribution and the hourly watch: five stores of
 * different sizes, three channels with their own hours, a daily profile and ~Poisson noise. A
 * planted incident scales one dimension's value (a store, or a channel in every store) over an
 * hour window of one day.
 */

export const SHOP_DIMENSIONS = ['channel', 'store'] as const;
const STORES = [
  { name: 'la-venice', weight: 0.32 },
  { name: 'sf-mission', weight: 0.24 },
  { name: 'sd-northpark', weight: 0.18 },
  { name: 'pdx-pearl', weight: 0.14 },
  { name: 'sea-ballard', weight: 0.12 },
];
const CHANNELS = [
  { name: 'web', share: 0.45, opens: 0, closes: 24 },
  { name: 'app', share: 0.35, opens: 0, closes: 24 },
  { name: 'pos', share: 0.2, opens: 9, closes: 21 },
];
/** Relative traffic by local hour: quiet nights, a lunch and an evening peak. */
const HOUR_PROFILE = [0.2, 0.12, 0.08, 0.06, 0.06, 0.1, 0.3, 0.6, 0.9, 1.1, 1.2, 1.35, 1.45, 1.35, 1.25, 1.2, 1.25, 1.4, 1.6, 1.7, 1.5, 1.1, 0.7, 0.4];

export interface PlantedIncident {
  dimension: (typeof SHOP_DIMENSIONS)[number];
  value: string;
  /** Local hours [from, to). */
  from: number;
  to: number;
  /** Multiplies the segment's counts in those hours (0.04 = −96%, 2 = doubled). */
  factor: number;
}

/** A count around `mean` with Poisson spread (normal approximation, never negative). */
function count(mean: number, random: () => number): number {
  const u = Math.max(1e-12, random());
  const v = random();
  const normal = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  return Math.max(0, Math.round(mean + Math.sqrt(mean) * normal));
}

/** One day's cells, `perDay` events on an ordinary day, an incident applied when given. */
export function shopDay(perDay: number, random: () => number, incident?: PlantedIncident): Cell[] {
  const profileTotal = HOUR_PROFILE.reduce((total, value) => total + value, 0);
  const cells: Cell[] = [];
  for (const store of STORES) {
    for (const channel of CHANNELS) {
      const dims = { store: store.name, channel: channel.name };
      const dimsKey = dimsKeyOf(dims, SHOP_DIMENSIONS);
      const open = HOUR_PROFILE.map((value, hour) => (hour >= channel.opens && hour < channel.closes ? value : 0));
      const openTotal = open.reduce((total, value) => total + value, 0);
      for (let hour = 0; hour < 24; hour += 1) {
        const weight = open[hour] ?? 0;
        if (weight === 0) continue;
        let mean = (perDay * store.weight * channel.share * weight * profileTotal) / openTotal / profileTotal;
        if (incident && dims[incident.dimension] === incident.value && hour >= incident.from && hour < incident.to) mean *= incident.factor;
        const value = count(mean, random);
        if (value > 0) cells.push({ dimsKey, hour, value });
      }
    }
  }
  return cells;
}

/** Every dimension value a single-dimension incident may hit. */
export function shopSegments(): Array<{ dimension: PlantedIncident['dimension']; value: string }> {
  return [...STORES.map((store) => ({ dimension: 'store' as const, value: store.name })), ...CHANNELS.map((channel) => ({ dimension: 'channel' as const, value: channel.name }))];
}

/** The hours a channel is open (a planted window is drawn inside them). */
export function openHours(dimension: PlantedIncident['dimension'], value: string): { opens: number; closes: number } {
  const channel = dimension === 'channel' ? CHANNELS.find((candidate) => candidate.name === value) : undefined;
  return channel ? { opens: channel.opens, closes: channel.closes } : { opens: 0, closes: 24 };
}
