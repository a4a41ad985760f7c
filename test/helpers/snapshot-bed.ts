import { DateTime } from 'luxon';
import { DynamoDbSnapshotStore } from '../../functions/adapters/dynamodb/snapshot-store';
import { DynamoDbProofIndex } from '../../functions/adapters/dynamodb/proof-index';
import type { NightshiftConfig } from '../../functions/core/config';
import type { SnapshotMetricConfig } from '../../functions/core/config/snapshots-schema';
import { handleInvocation, type InvocationResult } from '../../functions/core/jobs/handle-invocation';
import type { JobDefinition } from '../../functions/core/jobs/definition';
import { snapshotJob } from '../../functions/jobs/snapshot/snapshot-job';
import { snapshotRun } from '../../functions/jobs/snapshot/snapshot-run';
import { runnableJob, withRun } from '../../functions/jobs/job-type-definition';
import type { SnapshotParams } from '../../functions/jobs/snapshot/params';
import { rollupBed, rollupConfig, type RollupBed } from './rollup-bed';
import type { GeneratedEvent } from './rollup-events';
import type { FakeClock } from './clock';
import type { TestStorage } from './storage';

/** The snapshot metrics tests use: every statistic, and the conversion ratio. */
export const TEST_SNAPSHOT_METRICS: Record<string, SnapshotMetricConfig> = {
  revenue: { stat: 'sum', metric: 'revenue' },
  orders: { stat: 'count', metric: 'orders' },
  average_revenue: { stat: 'avg', metric: 'revenue' },
  smallest_revenue: { stat: 'min', metric: 'revenue' },
  largest_revenue: { stat: 'max', metric: 'revenue' },
  conversion_rate: { stat: 'ratio', numerator: 'orders', denominator: 'sessions' },
};

export function snapshotConfig(metrics: Record<string, SnapshotMetricConfig> = TEST_SNAPSHOT_METRICS): NightshiftConfig {
  return rollupConfig({ snapshots: { scopeDimensions: ['store'], metrics } });
}

export interface SnapshotBed extends RollupBed {
  snapshots: DynamoDbSnapshotStore;
  proofs: DynamoDbProofIndex;
  snapshotJob: JobDefinition<SnapshotParams>;
}

export function snapshotBed(storage: TestStorage, options: { config?: NightshiftConfig; clock?: FakeClock } = {}): SnapshotBed {
  const bed = rollupBed(storage, { config: options.config ?? snapshotConfig(), ...(options.clock ? { clock: options.clock } : {}) });
  const snapshots = new DynamoDbSnapshotStore(storage.documentClient, storage.names.analyticsTable);
  const proofs = new DynamoDbProofIndex(storage.documentClient, storage.names.analyticsTable, bed.deps.config.retention.proofsDays);
  return { ...bed, snapshots, proofs, snapshotJob: runnableJob(withRun(snapshotJob, snapshotRun), { rollup: bed.store, snapshots, proofs }) };
}

/** A snapshot asked for through the API path: claims the period, then runs in the shared lifecycle. */
export async function runSnapshot(bed: SnapshotBed, period: string, options: { force?: boolean } = {}): Promise<Exclude<InvocationResult, { outcome: 'rejected' }>> {
  const result = await handleInvocation(bed.snapshotJob, { type: 'snapshot', trigger: 'api', period, triggeredBy: 'test', ...(options.force ? { force: true } : {}) }, bed.deps, {
    remainingMs: 300_000,
    marginMs: 5_000,
  });
  if (result.outcome === 'rejected') throw new Error(`snapshot invocation rejected: ${result.reason}`);
  return result;
}

interface Totals {
  count: number;
  sum: number;
  min: number;
  max: number;
}

/**
 * What a snapshot must report, the plain way: each event's local day from luxon, kept only when
 * it falls in `days`, added to `overall` and to its store's scope.
 */
export function expectedSnapshot(events: readonly GeneratedEvent[], timezone: string, days: readonly string[], metrics: Record<string, SnapshotMetricConfig>): Record<string, Record<string, number | null>> {
  const inPeriod = new Set(days);
  const totals = new Map<string, Map<string, Totals>>();
  const add = (scope: string, metric: string, value: number) => {
    const byMetric = totals.get(scope) ?? new Map<string, Totals>();
    totals.set(scope, byMetric);
    const row = byMetric.get(metric);
    if (!row) byMetric.set(metric, { count: 1, sum: value, min: value, max: value });
    else Object.assign(row, { count: row.count + 1, sum: row.sum + value, min: Math.min(row.min, value), max: Math.max(row.max, value) });
  };
  for (const event of events) {
    const day = DateTime.fromMillis(Date.parse(event.ts), { zone: timezone }).toISODate() ?? '';
    if (!inPeriod.has(day)) continue;
    add('overall', event.metric, event.value ?? 1);
    const store = event.dims?.['store'];
    if (store !== undefined) add(`store=${store}`, event.metric, event.value ?? 1);
  }
  const result: Record<string, Record<string, number | null>> = {};
  for (const [scope, byMetric] of totals) {
    const values: Record<string, number | null> = {};
    for (const [name, metric] of Object.entries(metrics)) {
      if (metric.stat === 'ratio') {
        const denominator = byMetric.get(metric.denominator)?.sum ?? 0;
        values[name] = denominator === 0 ? null : (byMetric.get(metric.numerator)?.sum ?? 0) / denominator;
        continue;
      }
      const row = byMetric.get(metric.metric);
      if (metric.stat === 'sum') values[name] = row?.sum ?? 0;
      else if (metric.stat === 'count') values[name] = row?.count ?? 0;
      else if (!row) values[name] = null;
      else values[name] = metric.stat === 'avg' ? row.sum / row.count : metric.stat === 'min' ? row.min : row.max;
    }
    result[scope] = values;
  }
  return result;
}
