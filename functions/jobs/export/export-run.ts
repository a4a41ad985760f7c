import type { JobContext, JobDefinition, JobOutcome } from '../../core/jobs/definition';
import { bringRollupUpToDate } from '../rollup/bring-up-to-date';
import { jobRunning, type JobRun, type JobServices } from '../job-type-definition';
import type { RollupStore } from '../../core/rollup/ports';
import { encodeRows } from './encode';
import type { ExportParams } from './params';
import { planExport } from './plan';
import type { ExportRow, RowSource } from './rows';
import { snapshotRowSource, snapshotShape } from './snapshot-rows';
import { statsRowSource, statsShape } from './stats-rows';
import type { SnapshotItem } from '../../core/snapshots/document';
import type { ProofIndex } from '../../core/proofs/ports';
import { gateOf, HELD_MESSAGE, proofGate, QUARANTINE_PREFIX } from '../../core/proofs/gate';
import { exportJob } from './export-job';

export interface ExportSources {
  stats: RowSource<ExportRow>;
  snapshots: RowSource<SnapshotItem>;
  /**
   * Brought up to date for (the last month of) the range before a stats export reads it, so
   * late events are in; absent where the stats are not the rollup's (generated in tests).
   */
  rollup?: RollupStore;
  /** The proof index: the days' proof statuses go into the run, and a critical day holds the output. */
  proofs: ProofIndex;
}

/** The rollup takes at most a month per run; late events are almost always recent. */
const MAX_CATCH_UP_DAYS = 31;

/** One export run over the Analytics table's stats or snapshot items. */
export const exportRun: JobRun<ExportParams, Pick<JobServices, 'rollup' | 'snapshots' | 'proofs'>> = (context, { rollup, snapshots, proofs }) =>
  runExport(context, { rollup, stats: statsRowSource(rollup), snapshots: snapshotRowSource(snapshots), proofs });

/** The export over given row sources: tests and the memory benchmark pass their own. */
export function createExportJob(sources: ExportSources): JobDefinition<ExportParams> {
  return jobRunning(exportJob, (context) => runExport(context, sources));
}

async function runExport({ job, params, deps, signal, deadline, artifacts, log }: JobContext<ExportParams>, sources: ExportSources): Promise<JobOutcome> {
  const plan = planExport(params, { config: deps.config, period: job.period });
  log.info('export planned', { key: plan.key, days: plan.days.length, metrics: plan.metrics.length, groupBy: plan.groupBy });
  let rollup: { from: string; to: string; events: number } | undefined;
  if (plan.source === 'stats' && sources.rollup) {
    const from = plan.days[Math.max(0, plan.days.length - MAX_CATCH_UP_DAYS)]!;
    const report = await bringRollupUpToDate({ deps, store: sources.rollup, from, to: plan.to, jobId: job.id, signal, deadline, log });
    rollup = { from, to: plan.to, events: report.events };
  }
  const gate = await proofGate(sources.proofs, plan.days, gateOf(deps.config.schedules, job.triggeredBy));
  if (gate.held) log.warn(`export ${HELD_MESSAGE}`, { key: plan.key, criticalDays: gate.criticalDays });
  const key = gate.held ? `${QUARANTINE_PREFIX}${plan.key}` : plan.key;
  const encoded =
    plan.source === 'stats'
      ? encodeRows(sources.stats(plan, signal), plan.format, statsShape(plan.groupBy))
      : encodeRows(sources.snapshots(plan, signal), plan.format, snapshotShape(plan.metrics));
  const name = plan.key.slice(plan.key.lastIndexOf('/') + 1);
  const stored = await artifacts.put(name, encoded.bytes, plan.contentType, { key });
  return {
    ...(gate.held ? { status: 'held' as const } : {}),
    summary: {
      ...(gate.held ? { heldKey: key, heldFor: gate.criticalDays } : {}),
      proofs: gate.proofs,
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
}
