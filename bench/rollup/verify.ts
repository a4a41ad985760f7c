import { CHANNELS, STORES, type GroupRow, type KeyedTotals } from './shared';

const STORE_NAMES = new Set(STORES);
const CHANNEL_NAMES = new Set<string>(CHANNELS);
const SEPARATOR = '\u0001';

/**
 * The aggregator's key is `${localDay}\u0001${metric}\u0001${dimsKey}`. How dimsKey encodes the
 * dimensions is the aggregator's business, so the store and the channel are found as its tokens:
 * the generator's store names (`s07`) and channels (`web`) are never a dimension's name.
 */
export function groupRowOf([key, count, sum, min, max]: KeyedTotals): GroupRow {
  const first = key.indexOf(SEPARATOR);
  const second = key.indexOf(SEPARATOR, first + 1);
  if (first < 0 || second < 0) throw new Error(`group key ${JSON.stringify(key)} is not day\\u0001metric\\u0001dims`);
  const tokens = key.slice(second + 1).split(/[^A-Za-z0-9_]+/);
  const stores = tokens.filter((token) => STORE_NAMES.has(token));
  const channels = tokens.filter((token) => CHANNEL_NAMES.has(token));
  if (stores.length !== 1 || channels.length !== 1) {
    throw new Error(`cannot find exactly one store and one channel in the dims of group key ${JSON.stringify(key)}`);
  }
  return { day: key.slice(0, first), metric: key.slice(first + 1, second), store: stores[0] ?? '', channel: channels[0] ?? '', count, sum, min, max };
}

function canonicalKey(row: GroupRow): string {
  return `${row.day} ${row.metric} store=${row.store} channel=${row.channel}`;
}

export interface Comparison {
  groups: number;
  events: number;
  /** Largest relative difference of a sum, min or max between the two engines. */
  maxRelativeDifference: number;
  problems: string[];
}

function relativeDifference(a: number, b: number): number {
  if (a === b) return 0;
  return Math.abs(a - b) / Math.max(Math.abs(a), Math.abs(b), Number.MIN_VALUE);
}

/**
 * Ours against DuckDB, group by group: the same groups, counts exactly equal, sums, minima and
 * maxima within `tolerance` relative (the engines add in different orders).
 */
export function compareGroups(ours: readonly GroupRow[], duckdb: readonly GroupRow[], tolerance = 1e-6): Comparison {
  const problems: string[] = [];
  const index = (rows: readonly GroupRow[], name: string): Map<string, GroupRow> => {
    const map = new Map<string, GroupRow>();
    for (const row of rows) {
      const key = canonicalKey(row);
      if (map.has(key)) problems.push(`${name} has group ${key} twice`);
      map.set(key, row);
    }
    return map;
  };
  const oursByKey = index(ours, 'ours');
  const duckByKey = index(duckdb, 'DuckDB');
  let maxRelativeDifference = 0;
  for (const [key, theirs] of duckByKey) {
    const mine = oursByKey.get(key);
    if (mine === undefined) {
      problems.push(`missing in ours: ${key} (DuckDB count ${theirs.count})`);
      continue;
    }
    if (mine.count !== theirs.count) problems.push(`${key}: count ${mine.count} (ours) ≠ ${theirs.count} (DuckDB)`);
    for (const field of ['sum', 'min', 'max'] as const) {
      const difference = relativeDifference(mine[field], theirs[field]);
      maxRelativeDifference = Math.max(maxRelativeDifference, difference);
      if (!(difference <= tolerance)) problems.push(`${key}: ${field} ${mine[field]} (ours) ≠ ${theirs[field]} (DuckDB)`);
    }
  }
  for (const key of oursByKey.keys()) if (!duckByKey.has(key)) problems.push(`missing in DuckDB: ${key}`);
  return { groups: duckByKey.size, events: duckdb.reduce((total, row) => total + row.count, 0), maxRelativeDifference, problems };
}
