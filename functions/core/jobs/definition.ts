import type * as z from 'zod/mini';
import type { NightshiftConfig } from '../config';
import type { JobType } from './job-types';
import type { ArtifactRef, JobErrorInfo, JobRecord } from './record';
import type { ArtifactBody, ArtifactStore, Clock, DebounceStore, Invoker, JobLedger, LeaseStore } from './ports';
import type { Logger } from './logger';
import type { RunMetrics } from './run-metrics';
import type { CatalogView } from './scheduled-task';
import type { EndStatus } from './states';

/** Everything a run may touch; built once per process by the runtime, injected in tests. */
export interface JobDependencies {
  config: NightshiftConfig;
  ledger: JobLedger;
  leases: LeaseStore;
  artifacts: ArtifactStore;
  invoker: Invoker;
  clock: Clock;
  logger: Logger;
  /** The shipped job types as the sweeper and health see them: schedules and what counts as done. */
  catalog: CatalogView;
  /**
   * Debounce marks for `trigger: 'debounce'` runs. The runtime always has it; dependencies built
   * for one job (tests, benchmarks) may leave it out, and then debouncing is not available.
   */
  debounce?: DebounceStore;
  /**
   * Where ended runs and the sweeper's health verdicts are counted (CloudWatch in AWS). Optional:
   * the local cloud and tests run without metrics.
   */
  runMetrics?: RunMetrics;
  /** When this build was deployed: the sweeper judges job health from it, as `GET /health` does. */
  deployedAt?: Date;
}

/** Artifacts written by a run are recorded on its job record when it finishes. */
export interface RunArtifacts {
  /** Stores `body` under `key` (default `runs/<type>/<jobId>/<name>`) and records it. */
  put(name: string, body: ArtifactBody, contentType: string, options?: { key?: string }): Promise<ArtifactRef>;
  readonly written: readonly ArtifactRef[];
}

export interface JobContext<P> {
  job: JobRecord;
  params: P;
  /** Aborted at the deadline or when a single-flight lease is lost: stop promptly. */
  signal: AbortSignal;
  deadline: Date;
  deps: JobDependencies;
  log: Logger;
  artifacts: RunArtifacts;
}

export interface JobOutcome {
  /**
   * Default `succeeded`. A job reports `warning` when it kept what it could and listed the rest,
   * `timed_out` when it stopped its own work at a limit shorter than the run's deadline.
   */
  status?: EndStatus;
  summary?: Record<string, unknown>;
  exitCode?: number;
  logs?: string;
  error?: JobErrorInfo;
}

/**
 * What a job type brings: its parameters, its own time limit and its work. Bookkeeping (the
 * record, claims, leases, deadline, timing, errors) is the lifecycle's, never the job's.
 */
export interface JobDefinition<P> {
  type: JobType;
  params: z.ZodMiniType<P>;
  /** The run's own limit; the Lambda's remaining time may cut it shorter. */
  timeoutMs: number;
  /** Runs of this type never overlap: they hold this lease while running. */
  singleFlight?: { lease: string; ttlMs: number };
  /**
   * The lease a run with these params holds instead of `singleFlight`, when it is not the
   * type's (a rollup's partition run holds its partition's lease, not the rollup's).
   */
  leaseFor?: (params: P) => { lease: string; ttlMs: number } | undefined;
  /**
   * The summary field that counts a run's work (raw events absorbed, scopes written, rows
   * exported), published as RowsProcessed; types without a natural row count leave it out.
   */
  rowsSummaryField?: string;
  run(context: JobContext<P>): Promise<JobOutcome>;
}
