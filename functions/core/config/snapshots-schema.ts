import * as z from 'zod/mini';
import '../zod-mini-english';

const name = z.string().check(z.regex(/^[a-z][a-z0-9_]{0,62}$/, 'a snapshot metric name must be lower snake_case: a letter, then letters, digits or _ (at most 63)'));
const metricReference = z.string().check(z.minLength(1), z.maxLength(63));

/**
 * One value a snapshot reports per scope: a statistic of a base metric over the period, or the
 * ratio of two base metrics' sums (conversion rate = orders / sessions). The metrics it names are
 * checked when the snapshot runs, not at load: a metric dropped from `metrics` while a snapshot
 * still names it costs that one value (listed in the snapshot's `errors`), not the whole report.
 */
export const snapshotMetricSchema = z.discriminatedUnion('stat', [
  z.strictObject({ stat: z.enum(['sum', 'count', 'avg', 'min', 'max']), metric: metricReference, description: z.optional(z.string().check(z.maxLength(200))) }),
  z.strictObject({ stat: z.literal('ratio'), numerator: metricReference, denominator: metricReference, description: z.optional(z.string().check(z.maxLength(200))) }),
]);
export type SnapshotMetricConfig = z.infer<typeof snapshotMetricSchema>;

export const snapshotsSchema = z.strictObject({
  /** Besides `overall`, one scope per value of each of these dimensions (they must be kept dimensions). */
  scopeDimensions: z._default(z.array(z.string().check(z.minLength(1), z.maxLength(63))).check(z.maxLength(5)), []),
  metrics: z._default(z.record(name, snapshotMetricSchema), {}),
});
export type SnapshotsConfig = z.infer<typeof snapshotsSchema>;

export const defaultSnapshotsConfig: SnapshotsConfig = { scopeDimensions: [], metrics: {} };

/** Scope dimensions must be kept dimensions: a dropped one has no values to scope by. */
export function snapshotsConfigIssues(config: Record<string, unknown>): { path: (string | number)[]; message: string }[] {
  const snapshots = config['snapshots'];
  if (typeof snapshots !== 'object' || snapshots === null) return [];
  const scopes = (snapshots as Record<string, unknown>)['scopeDimensions'];
  const kept = new Set(Array.isArray(config['dimensions']) ? (config['dimensions'] as unknown[]) : []);
  if (!Array.isArray(scopes)) return [];
  return scopes.flatMap((dimension, index) =>
    kept.has(dimension)
      ? []
      : [{ path: ['snapshots', 'scopeDimensions', index], message: `"${String(dimension)}" is not a kept dimension (list it under dimensions)` }],
  );
}
