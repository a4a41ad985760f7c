import type { JobDefinition, JobDependencies } from '../../core/jobs/definition';
import { runtimeRollupStore } from '../rollup/runtime-store';
import { bringRollupUpToDate } from '../rollup/bring-up-to-date';
import type { RollupStore } from '../../core/rollup/ports';
import { encodeRows } from './encode';
import { exportParams, type ExportParams } from './params';
import { planExport } from './plan';
import type { ExportRow, RowSource } from './rows';
import { snapshotRowSource, snapshotShape } from './snapshot-rows';
import { statsRowSource, statsShape } from './stats-rows';
import type { SnapshotItem } from '../../core/snapshots/document';
import { runtimeSnapshotStore } from '../snapshot/runtime-snapshot-store';

/** The catalog gives the function 900 s; the run keeps a little back to record its result. */
export const EXPORT_TIMEOUT_MS = 880_000;

export interface ExportSources {
  stats: RowSource<ExportRow>;
  snapshots: RowSource<SnapshotItem>;
  /**
   * Brought up to date for (the last month of) the range before a stats export reads it, so
   * late events are in; absent where the stats are not the rollup's (generated in tests).
   */
  rollup?: RollupStore;
}

/** The rollup takes at most a month per run; late events are almost always recent. */
const MAX_CATCH_UP_DAYS = 31;

/**
 * The export job over given row sources. Tests and the memory benchmark pass their own;
 * `exportJob` (what the Lambda handler runs) reads the runtime's Analytics table.
 */
export function createExportJob(sourcesFor: (deps: JobDependencies) => ExportSources): JobDefinition<ExportParams> {
  return {
    type: 'export',
    params: exportParams,
    timeoutMs: EXPORT_TIMEOUT_MS,
    async run({ job, params, deps, signal, deadline, artifacts, log }) {
      const plan = planExport(params, { config: deps.config, period: job.period });
      log.info('export planned', { key: plan.key, days: plan.days.length, metrics: plan.metrics.length, groupBy: plan.groupBy });
      const sources = sourcesFor(deps);
      let rollup: { from: string; to: string; events: number } | undefined;
      if (plan.source === 'stats' && sources.rollup) {
        const from = plan.days[Math.max(0, plan.days.length - MAX_CATCH_UP_DAYS)]!;
        const report = await bringRollupUpToDate({ deps, store: sources.rollup, from, to: plan.to, jobId: job.id, signal, deadline, log });
        rollup = { from, to: plan.to, events: report.events };
      }
      const encoded =
        plan.source === 'stats'
          ? encodeRows(sources.stats(plan, signal), plan.format, statsShape(plan.groupBy))
          : encodeRows(sources.snapshots(plan, signal), plan.format, snapshotShape(plan.metrics));
      const name = plan.key.slice(plan.key.lastIndexOf('/') + 1);
      const stored = await artifacts.put(name, encoded.bytes, plan.contentType, { key: plan.key });
      return {
        summary: {
          rows: encoded.rows,
          bytes: stored.size,
          key: plan.key,
          from: plan.from,
          to: plan.to,
          days: plan.days.length,
          format: plan.format,
          source: plan.source,
          metrics: plan.metrics,
          groupBy: plan.groupBy,
          ...(plan.snapshotPeriod !== undefined ? { periodType: plan.snapshotPeriod } : {}),
          ...(plan.scope !== undefined ? { scope: plan.scope } : {}),
          ...(rollup ? { rollup } : {}),
        },
      };
    },
  };
}

export const exportJob = createExportJob((deps) => ({
  rollup: runtimeRollupStore(deps),
  stats: statsRowSource(runtimeRollupStore(deps)),
  snapshots: snapshotRowSource(runtimeSnapshotStore()),
}));
