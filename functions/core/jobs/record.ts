import type { JobType } from './job-types';
import type { JobStatus, JobTrigger } from './states';

export interface ArtifactRef {
  name: string;
  key: string;
  size: number;
  contentType: string;
}

export interface JobErrorInfo {
  code: string;
  message: string;
}

/**
 * One run, exactly as it is stored in the `Jobs` table: flat attributes, ISO-8601 UTC times,
 * readable in the DynamoDB console without decoding anything.
 */
export interface JobRecord {
  id: string;
  type: JobType;
  status: JobStatus;
  trigger: JobTrigger;
  period?: string;
  scheduledFor?: string;
  /** The schedule whose slot (`scheduledFor`) this run is: its own delivery, or the sweeper's catch-up of it. */
  scheduleName?: string;
  params: Record<string, unknown>;
  force?: boolean;
  createdAt: string;
  startedAt?: string;
  finishedAt?: string;
  durationMs?: number;
  /** When a running run must be over; the sweeper marks it `timed_out` past this. */
  deadlineAt?: string;
  summary?: Record<string, unknown>;
  error?: JobErrorInfo;
  exitCode?: number;
  artifacts: ArtifactRef[];
  logs?: string;
  triggeredBy: string;
  /** For a `skipped` run: the run that already covers its period or holds its lease. */
  skippedFor?: string;
  /**
   * The run whose period claim this run took over: the failed (or timed-out, skipped) run a
   * catch-up or backfill retries, or the finished run a backfill of every period re-runs.
   */
  replaces?: string;
  /**
   * A manual run of a single-flight job that found the lease held waits `queued` behind the run
   * holding it (`waitingFor`, last seen), from `waitingSince`, trying again at `nextAttemptAt`;
   * `waits` counts its tries. They stay on the record once it runs.
   */
  waitingFor?: string;
  waitingSince?: string;
  waits?: number;
  nextAttemptAt?: string;
  /** A `held` run released by a person: who (the token's name) and when. */
  releasedBy?: string;
  releasedAt?: string;
  /** TTL, epoch seconds. */
  expiresAt: number;
}

/** What a new run is created from; the ledger fills in status and bookkeeping. */
export interface NewJob {
  id: string;
  type: JobType;
  trigger: JobTrigger;
  period?: string;
  scheduledFor?: string;
  scheduleName?: string;
  params: Record<string, unknown>;
  force?: boolean;
  triggeredBy: string;
  createdAt: string;
  expiresAt: number;
  replaces?: string;
}

/** Fields a transition may set besides `status`. */
export type JobPatch = Partial<
  Pick<
    JobRecord,
    | 'startedAt'
    | 'finishedAt'
    | 'durationMs'
    | 'deadlineAt'
    | 'summary'
    | 'error'
    | 'exitCode'
    | 'artifacts'
    | 'logs'
    | 'skippedFor'
    | 'waitingFor'
    | 'waitingSince'
    | 'waits'
    | 'nextAttemptAt'
    | 'releasedBy'
    | 'releasedAt'
  >
>;
