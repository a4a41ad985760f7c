import type { JobDefinition, JobDependencies } from '../../core/jobs/definition';
import { runtimeRollupStore } from '../rollup/runtime-store';
import { encodeRows } from './encode';
import { exportParams, type ExportParams, type ExportSource } from './params';
import { planExport } from './plan';
import type { RowSource } from './rows';
import { statsRowSource } from './stats-rows';

/** The catalog gives the function 900 s; the run keeps a little back to record its result. */
export const EXPORT_TIMEOUT_MS = 880_000;

export type ExportSources = Record<ExportSource, RowSource>;

/**
 * The export job over given row sources. Tests and the memory benchmark pass their own;
 * `exportJob` (what the Lambda handler runs) reads the runtime's Analytics table.
 */
export function createExportJob(sourcesFor: (deps: JobDependencies) => ExportSources): JobDefinition<ExportParams> {
  return {
    type: 'export',
    params: exportParams,
    timeoutMs: EXPORT_TIMEOUT_MS,
    async run({ job, params, deps, signal, artifacts, log }) {
      const plan = planExport(params, { config: deps.config, period: job.period });
      log.info('export planned', { key: plan.key, days: plan.days.length, metrics: plan.metrics.length, groupBy: plan.groupBy });
      const rows = sourcesFor(deps)[plan.source](plan, signal);
      const encoded = encodeRows(rows, plan.format, plan.groupBy);
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
        },
      };
    },
  };
}

export const exportJob = createExportJob((deps) => ({ stats: statsRowSource(runtimeRollupStore(deps)) }));
