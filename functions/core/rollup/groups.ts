import { CorruptRollupStateError } from './errors';

/**
 * Aggregation groups: `(local day, metric, kept dimensions)` and their running totals. The
 * rollup job, its storage adapter and the stats query all speak this vocabulary.
 */
export interface GroupTotals {
  count: number;
  sum: number;
  min: number;
  max: number;
}

/** Separates day, metric and dims key in a group key: a control character no name can hold. */
export const GROUP_SEPARATOR = '\u0001';
/** Separates the `name=value` pairs of a dims key. */
export const DIMS_SEPARATOR = '\u0002';
/**
 * The dims key of the overflow group a metric-day's stats get once it has more distinct dims
 * than `rollup.maxCardinalityPerMetricDay`; its dims are `{ __other__: 'true' }`.
 */
export const OTHER_DIMS_KEY = '__other__';
export const OTHER_DIMS: Readonly<Record<string, string>> = Object.freeze({ [OTHER_DIMS_KEY]: 'true' });

export function groupKey(day: string, metric: string, dimsKey: string): string {
  return `${day}${GROUP_SEPARATOR}${metric}${GROUP_SEPARATOR}${dimsKey}`;
}

export interface GroupKeyParts {
  day: string;
  metric: string;
  dimsKey: string;
}

/** Day and metric hold no separator, so everything after the second one is the dims key. */
export function splitGroupKey(key: string): GroupKeyParts {
  const first = key.indexOf(GROUP_SEPARATOR);
  const second = key.indexOf(GROUP_SEPARATOR, first + 1);
  if (first < 0 || second < 0) throw new CorruptRollupStateError(`not a group key: ${JSON.stringify(key)}`);
  return { day: key.slice(0, first), metric: key.slice(first + 1, second), dimsKey: key.slice(second + 1) };
}

/** Kept dimensions sorted by name, `name=value` joined by DIMS_SEPARATOR; '' when none is kept. */
export function dimsKeyOf(dims: Readonly<Record<string, string>>, kept: readonly string[]): string {
  const parts: string[] = [];
  for (const name of [...kept].sort()) {
    // Own properties only: a kept dimension named like an Object.prototype member is still a dimension.
    const value = Object.hasOwn(dims, name) ? dims[name] : undefined;
    if (value !== undefined) parts.push(`${name}=${value}`);
  }
  return parts.join(DIMS_SEPARATOR);
}

// A pair starts after a separator that is followed by a dimension name and '=': a value that
// itself holds the separator (only possible through a JSON escape) stays in one piece.
const PAIR_BOUNDARY = new RegExp(`${DIMS_SEPARATOR}(?=[a-z][a-z0-9_]{0,62}=)`);

export function dimsOfKey(dimsKey: string): Record<string, string> {
  if (dimsKey === OTHER_DIMS_KEY) return { ...OTHER_DIMS };
  const dims: Record<string, string> = {};
  if (dimsKey === '') return dims;
  for (const pair of dimsKey.split(PAIR_BOUNDARY)) {
    const eq = pair.indexOf('=');
    dims[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  return dims;
}

export function addTotals(into: GroupTotals, from: Readonly<GroupTotals>): void {
  into.count += from.count;
  into.sum += from.sum;
  if (from.min < into.min) into.min = from.min;
  if (from.max > into.max) into.max = from.max;
}

/** Adds `from` into the group `key` of `into`, copying so `into` never aliases `from`'s totals. */
export function mergeGroup(into: Map<string, GroupTotals>, key: string, from: Readonly<GroupTotals>): void {
  const existing = into.get(key);
  if (existing) addTotals(existing, from);
  else into.set(key, { count: from.count, sum: from.sum, min: from.min, max: from.max });
}

export function sameTotals(a: Readonly<GroupTotals>, b: Readonly<GroupTotals>): boolean {
  // `===` on purpose: storage keeps no sign on zero, and -0 vs 0 is no change worth a write.
  return a.count === b.count && a.sum === b.sum && a.min === b.min && a.max === b.max;
}
