import type { JobType } from './job-types';
import type { JobPatch, JobRecord, NewJob } from './record';
import type { JobStatus, JobTrigger } from './states';

/**
 * Time is injected everywhere; core never reads the system clock itself, nor arms a timer of its
 * own: a wait that decides something (a run's deadline, a lease's renewal, a delayed invocation,
 * a schedule's next slot) is measured on this clock, so a simulated one (the local cloud's
 * `--clock`/`--speed`) moves all of them together.
 */
export interface Clock {
  now(): Date;
  /** Calls `callback` once `ms` of this clock's time has passed; the returned function cancels it. */
  after(ms: number, callback: () => void): () => void;
}

/**
 * How hard a period claim pushes:
 * - `first`: only when no run claims the period yet (schedules, manual triggers);
 * - `retry`: also when the claimed run ended `failed` or `timed_out` (catch-up, retries);
 * - `force`: also when it succeeded; never while the claimed run is still active.
 */
export type ClaimMode = 'first' | 'retry' | 'force';

export type ClaimResult =
  | { outcome: 'claimed'; job: JobRecord }
  | { outcome: 'skipped'; job: JobRecord; existingJobId: string };

export interface PeriodState {
  jobId: string;
  status: JobStatus;
  /** How the holding run was started: the sweeper retries a failed period once, not forever. */
  trigger: JobTrigger;
}

/**
 * What is stored about one slot of a schedule, besides its runs: the run its delivery created (a
 * schedule without a period, whose slot has no claim to hold it), and whether a delivery of it
 * went to the dead-letter queue.
 */
export interface SlotMark {
  jobId?: string;
  deadLetteredAt?: string;
}

export interface JobQuery {
  type?: JobType;
  status?: JobStatus;
  /** Inclusive ISO-8601 lower bound on `createdAt`. */
  since?: string;
  /** Inclusive ISO-8601 upper bound on `createdAt`. */
  until?: string;
  limit: number;
  cursor?: string;
}

export interface JobPage {
  items: JobRecord[];
  nextCursor?: string;
}

/** Identifies a run for a transition without reading it first. */
export type JobKey = Pick<JobRecord, 'id' | 'type'> & { period?: string | undefined };

/** The run ledger. Every method that changes state is a single conditional write. */
export interface JobLedger {
  /** Records a new `queued` run that claims no period. */
  enqueue(job: NewJob): Promise<JobRecord>;
  /**
   * Claims `(type, period)` for a new `queued` run. A losing claim records the new run as
   * `skipped`, pointing at the run that holds the period. Throws `RunInProgressError` for a
   * `force` claim while the holder is still active.
   */
  claimPeriod(job: NewJob & { period: string }, mode: ClaimMode): Promise<ClaimResult>;
  /**
   * Claims a schedule's slot (`scheduleName`, `scheduledFor`) for a new `queued` run of a
   * schedule without a period, so a slot fires once: a second delivery of it is recorded
   * `skipped`, pointing at the run that holds the slot.
   */
  claimSlot(job: NewJob & { scheduleName: string; scheduledFor: string }): Promise<ClaimResult>;
  /** The marks of these slots of a schedule (absent when none is stored), by key. */
  slotMarks(schedule: string, slots: readonly string[]): Promise<Map<string, SlotMark>>;
  /** Records that a delivery of the slot went to the dead-letter queue (kept if already recorded). */
  recordDeadLetter(schedule: string, scheduledFor: string, at: Date, expiresAt: number): Promise<void>;
  get(id: string): Promise<JobRecord | undefined>;
  /** These runs, by id (absent when not found); strongly consistent batch reads. */
  getMany(ids: readonly string[]): Promise<Map<string, JobRecord>>;
  /** Moves a run to `to` only if it is in one of `from`; otherwise `IllegalTransitionError`. */
  transition(job: JobKey, from: readonly JobStatus[], to: JobStatus, patch: JobPatch): Promise<JobRecord>;
  /** The state of the runs holding these periods (absent when never claimed). */
  periodStates(type: JobType, periods: readonly string[]): Promise<Map<string, PeriodState>>;
  /** Newest first, through the type or status index; never a scan. */
  list(query: JobQuery): Promise<JobPage>;
  /**
   * When this deployment (or local data) first started: `at` if nothing earlier is recorded, in
   * one conditional write; otherwise the earlier time recorded. Schedules expect runs from then on.
   */
  recordFirstStart(at: Date): Promise<Date>;
}

export type LeaseAttempt =
  | { acquired: true; until: Date }
  | { acquired: false; holder: string; until: Date };

/** Single-flight leases: conditional writes with an owner and an expiry. */
export interface LeaseStore {
  /** Takes the lease if free, expired, or already ours. */
  acquire(name: string, owner: string, ttlMs: number): Promise<LeaseAttempt>;
  /** Extends our lease; `LeaseLostError` if it is not ours or has expired. */
  renew(name: string, owner: string, ttlMs: number): Promise<Date>;
  /** Gives our lease back; `LeaseLostError` if it is not ours. */
  release(name: string, owner: string): Promise<void>;
  /** Who holds the lease now (strongly consistent); undefined when no one does (never taken, released or expired). */
  holder(name: string): Promise<{ owner: string; until: Date } | undefined>;
}

export type ArtifactBody = string | Uint8Array | AsyncIterable<Uint8Array>;

export interface StoredObject {
  key: string;
  size: number;
  etag: string;
  lastModified: Date;
}

/** The artifacts bucket. */
export interface ArtifactStore {
  /** Streams the body up (multipart for large bodies) and reports the stored size. */
  put(key: string, body: ArtifactBody, contentType: string): Promise<{ key: string; size: number }>;
  /** The object's bytes as a stream; `ArtifactNotFoundError` when absent. */
  get(key: string): Promise<AsyncIterable<Uint8Array>>;
  getText(key: string): Promise<string>;
  /** Every object under the prefix, in key order, paging as needed. */
  list(prefix: string, startAfter?: string): AsyncIterable<StoredObject>;
  presignGet(key: string, expiresInSeconds: number): Promise<string>;
}

/** What a job function is invoked with, by the scheduler, the API or another job. */
export interface JobInvocation {
  type: JobType;
  /** Set when the run's record already exists (API, catch-up): the function starts it. */
  jobId?: string;
  trigger: JobTrigger;
  period?: string;
  /** The slot time from the scheduler (`<aws.scheduler.scheduled-time>`). */
  scheduledFor?: string;
  scheduleName?: string;
  params?: Record<string, unknown>;
  force?: boolean;
  triggeredBy?: string;
}

export interface InvokeOptions {
  /**
   * Start no sooner than this many seconds from now (0–900, SQS's range). The wait is the
   * infrastructure's (a delayed queue message in AWS, a timer locally), never a sleeping function.
   */
  delaySeconds?: number;
}

export interface Invoker {
  /** Fire-and-forget: returns once the invocation is accepted, not when it finishes. */
  invokeAsync(invocation: JobInvocation, options?: InvokeOptions): Promise<void>;
}

/** The longest delay an invocation may ask for (SQS `DelaySeconds`). */
export const MAX_INVOKE_DELAY_SECONDS = 900;

/**
 * The debounce marks of job types (`debounce#<name>`), each changed only by conditional writes.
 * A mark is `pending` from the moment one requester wins it until the debounced run it scheduled
 * starts; requests meanwhile coalesce into that run.
 */
export interface DebounceStore {
  /**
   * Sets the mark pending, due at `dueAt`, unless it already is (and is not stale: due before
   * `staleBefore`, so its invocation was lost). True when this call set it: that caller, and only
   * that one, schedules the debounced invocation.
   */
  arm(name: string, request: { now: Date; dueAt: Date; windowMs: number; staleBefore: Date }): Promise<boolean>;
  /**
   * Clears the pending mark as a debounced run starts. Reports whether it was pending (and the
   * window it was armed with), so a run that then cannot proceed knows to request again.
   */
  begin(name: string, now: Date): Promise<{ wasPending: boolean; windowMs?: number }>;
}
