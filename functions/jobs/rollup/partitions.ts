import type { HourKey } from '../../core/rollup/ports';

/** One hour to absorb and how many objects it has to read: what a partition's load is counted in. */
export interface HourLoad {
  hour: HourKey;
  objects: number;
}

/**
 * Splits hours into at most `workers` partitions of about equal objects: the busiest hour first,
 * each to the partition with the fewest objects so far (ties: the lower index), which keeps the
 * largest partition within one hour's objects of the ideal. An hour is never split, so one
 * hour's objects are absorbed by one worker. Empty partitions are left out; each partition's
 * hours are in order. The same input always gives the same partitions.
 */
export function splitHours(loads: readonly HourLoad[], workers: number): HourKey[][] {
  const partitions = Array.from({ length: Math.max(1, Math.floor(workers)) }, () => ({ hours: [] as HourKey[], objects: 0 }));
  const busiestFirst = [...loads].sort((a, b) => b.objects - a.objects || (a.hour < b.hour ? -1 : a.hour > b.hour ? 1 : 0));
  for (const load of busiestFirst) {
    const lightest = partitions.reduce((best, partition) => (partition.objects < best.objects ? partition : best));
    lightest.hours.push(load.hour);
    lightest.objects += load.objects;
  }
  return partitions.filter((partition) => partition.hours.length > 0).map((partition) => partition.hours.sort());
}
