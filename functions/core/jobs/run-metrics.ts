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
  /** What the run worked through, when its type declares a summary field for it (`rowsSummaryField`). */
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
  /** How many of a schedule's slots of the last day are past due with nothing standing for them, published by the sweeper. */
  recordSlotsMissed(schedule: string, count: number): void;
}

/**
 * The metric values of an ended run; undefined for a record that has not ended. `rowsField` is
 * its type's summary field that counts the run's work (the definition's `rowsSummaryField`).
 */
export function runEndedOf(record: JobRecord, rowsField?: string): RunEnded | undefined {
  if (!isTerminal(record.status)) return undefined;
  const rows = rowsField === undefined ? undefined : record.summary?.[rowsField];
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
export function reportRunEnded(metrics: RunMetrics | undefined, record: JobRecord, log: Logger, rowsField?: string): void {
  if (!metrics) return;
  const ended = runEndedOf(record, rowsField);
  if (!ended) return;
  try {
    metrics.recordRunEnded(ended);
  } catch (error) {
    log.warn('run metrics not recorded', errorFields(error));
  }
}
