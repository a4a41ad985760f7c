import { createHash } from 'node:crypto';
import { OTHER_DIMS_KEY, dimsOfKey } from '../../core/rollup/groups';
import type { HourKey, MetricDay } from '../../core/rollup/ports';

/**
 * Item families of the Analytics table (`pk`, `sk`):
 *
 * | pk                              | sk                | item |
 * |---------------------------------|-------------------|------|
 * | `rollup#object#<hour>`          | object key        | one absorbed object: ETag, counts, its groups |
 * | `rollup#written`                | `<hour>`          | ingest stored an object in the hour since a rollup last listed it (`token`) |
 * | `rollup#pending`                | `<hour>#<version id>` | an absorbed object version whose hour is not yet recomputed |
 * | `rollup#hours`                  | `<hour>`          | the hour's last recomputation: its metric-days |
 * | `rollup#partial#<metric>#<day>` | `<hour>`          | one UTC hour's share of a metric-day |
 * | `stats#<metric>#<day>`          | dims or `-`       | daily stats of one dims group |
 * | `stats#<metric>#<day>`          | `#meta`           | the metric-day's freshness and completeness facts |
 *
 * `<hour>` is the UTC hour partition, `YYYY-MM-DDTHH`; `<day>` a local day, `YYYY-MM-DD`.
 */
export const rollupPk = {
  object: (hour: HourKey): string => `rollup#object#${hour}`,
  written: 'rollup#written',
  pending: 'rollup#pending',
  hours: 'rollup#hours',
  partial: ({ metric, day }: MetricDay): string => `rollup#partial#${metric}#${day}`,
  stats: ({ metric, day }: MetricDay): string => `stats#${metric}#${day}`,
} as const;

export const STATS_META_SK = '#meta';
export const NO_DIMS_SK = '-';

/** DynamoDB allows 1024 bytes in a sort key; longer dims texts are named by their hash. */
const MAX_READABLE_SK_BYTES = 1000;

/**
 * A stats item's sort key, readable in the console: `channel=web&store=s01` (names sorted,
 * values URI-encoded, so the text is unambiguous), `-` without dims, `__other__` for overflow,
 * `#sha256=…` for dims too long for a key (the item's `dims` map always has them in full).
 */
export function statsSortKey(dimsKey: string): string {
  if (dimsKey === '') return NO_DIMS_SK;
  if (dimsKey === OTHER_DIMS_KEY) return OTHER_DIMS_KEY;
  const readable = Object.entries(dimsOfKey(dimsKey))
    .map(([name, value]) => `${name}=${encodeURIComponent(value)}`)
    .join('&');
  if (Buffer.byteLength(readable) <= MAX_READABLE_SK_BYTES) return readable;
  return `#sha256=${createHash('sha256').update(dimsKey).digest('hex')}`;
}
