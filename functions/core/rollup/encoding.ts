import { gunzipSync, gzipSync } from 'node:zlib';
import { CorruptRollupStateError } from './errors';
import type { GroupTotals } from './groups';

/**
 * Groups as stored: gzip of a JSON array of `[key, count, sum, min, max]`, sorted by key so the
 * same groups always give the same bytes. JSON numbers round-trip doubles exactly.
 */
export function encodeGroups(groups: ReadonlyMap<string, GroupTotals>): Buffer {
  const rows = [...groups.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([key, t]) => [key, t.count, t.sum, t.min, t.max]);
  return gzipSync(JSON.stringify(rows), { level: 6 });
}

export function decodeGroups(bytes: Uint8Array): Map<string, GroupTotals> {
  let rows: unknown;
  try {
    rows = JSON.parse(gunzipSync(bytes).toString('utf8'));
  } catch (error) {
    throw new CorruptRollupStateError('stored groups are not gzip JSON', { cause: error });
  }
  if (!Array.isArray(rows)) throw new CorruptRollupStateError('stored groups are not an array');
  const groups = new Map<string, GroupTotals>();
  for (const row of rows as unknown[]) {
    if (!Array.isArray(row) || row.length !== 5 || typeof row[0] !== 'string' || !row.slice(1).every((n) => typeof n === 'number')) {
      throw new CorruptRollupStateError('a stored group row is not [key, count, sum, min, max]');
    }
    const [key, count, sum, min, max] = row as [string, number, number, number, number];
    groups.set(key, { count, sum, min, max });
  }
  return groups;
}
