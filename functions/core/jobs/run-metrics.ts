import { errorFields } from '../errors';
import type { JobType } from './job-types';
import type { Logger } from './logger';
import type { JobRecord } from './record';
import { isTerminal, type JobStatus } from './states';

/** One run that reached a terminal status, as the metrics see it. */
export interface RunEnded {
  type: JobType;
  status: JobStatus;
  durationMs: number;
  /** What the run worked through, when its type reports it (see `ROWS_SUMMARY_FIELD`). */
  rows?: number;
}

/**
 * The metrics port: counters an operator alarms on. Adapters publish them (CloudWatch EMF in
 * AWS); the local cloud and tests leave it out. Recording never throws into a run.
 */
export interface RunMetrics {
  recordRunEnded(run: RunEnded): void;
  /** The health check's verdict for one scheduled job type, published by the sweeper. */
  recordJobHealth(type: JobType, healthy: boolean): void;
}

/**
 * The summary field that counts a run's work, per job type: raw events absorbed (rollup),
 * scopes written (snapshot), rows exported (export). Types without a natural row count (proofs,
 * script runs, the sweeper) publish no RowsProcessed.
 */
export const ROWS_SUMMARY_FIELD: Partial<Record<JobType, string>> = {
  rollup: 'events',
  snapshot: 'scopes',
  export: 'rows',
};

/** The metric values of an ended run; undefined for a record that has not ended. */
export function runEndedOf(record: JobRecord): RunEnded | undefined {
  if (!isTerminal(record.status)) return undefined;
  const field = ROWS_SUMMARY_FIELD[record.type];
  const rows = field === undefined ? undefined : record.summary?.[field];
  return {
    type: record.type,
    status: record.status,
    durationMs: record.durationMs ?? 0,
    ...(typeof rows === 'number' && Number.isFinite(rows) && rows >= 0 ? { rows } : {}),
  };
}

/**
 * Called right after a terminal write succeeded (so a duplicate delivery, whose write is
 * refused, never counts a run twice). A metrics failure is logged, never allowed to change the
 * run's recorded result.
 */
export function reportRunEnded(metrics: RunMetrics | undefined, record: JobRecord, log: Logger): void {
  if (!metrics) return;
  const ended = runEndedOf(record);
  if (!ended) return;
  try {
    metrics.recordRunEnded(ended);
  } catch (error) {
    log.warn('run metrics not recorded', errorFields(error));
  }
}
