/**
 * Run states and the only transitions between them: the one source of which statuses are
 * terminal, successful, retryable and active. The ledger refuses a move this table does not
 * allow before writing, and every move it does allow is a conditional write on the current
 * state, so a late or duplicated event can never move a run backwards. Each move has a named
 * function in `lifecycle/`.
 */
export const JobStatus = {
  queued: 'queued',
  running: 'running',
  succeeded: 'succeeded',
  warning: 'warning',
  failed: 'failed',
  timedOut: 'timed_out',
  skipped: 'skipped',
  /** Ended, its output quarantined: it covers a day whose sampling proof is critical. */
  held: 'held',
} as const;
export type JobStatus = (typeof JobStatus)[keyof typeof JobStatus];
export const jobStatuses = Object.values(JobStatus) as [JobStatus, ...JobStatus[]];

/**
 * `queued → queued` re-arms a run that waits (behind a lease holder, or after a lost
 * invocation). `held → succeeded` is a person's release of a held output (`releaseRun`).
 */
const allowedTransitions = {
  queued: ['queued', 'running', 'skipped', 'failed', 'timed_out'],
  running: ['succeeded', 'warning', 'failed', 'timed_out', 'held'],
  held: ['succeeded'],
  succeeded: [],
  warning: [],
  failed: [],
  timed_out: [],
  skipped: [],
} as const satisfies Readonly<Record<JobStatus, readonly JobStatus[]>>;

/** Where a run may go from `from`. */
export type NextStatus<F extends JobStatus> = (typeof allowedTransitions)[F][number];

/** How a started run can end: what a job's outcome may say. */
export type EndStatus = NextStatus<'running'>;

export function isLegalTransition(from: JobStatus, to: JobStatus): boolean {
  return (allowedTransitions[from] as readonly JobStatus[]).includes(to);
}

/** Ended runs that wait for a person, not for the system: `held` until released. */
const awaitingRelease = ['held'] as const;

/** Statuses a run has ended in: no way out, or only a person's release. */
export const terminalStatuses = jobStatuses.filter((status) => allowedTransitions[status].length === 0 || (awaitingRelease as readonly JobStatus[]).includes(status)) as TerminalStatus[];
export type TerminalStatus = { [S in JobStatus]: (typeof allowedTransitions)[S] extends readonly [] ? S : never }[JobStatus] | (typeof awaitingRelease)[number];

/**
 * A period whose run ended in one of these counts as done: it is not caught up again (a held
 * run did its work; releasing its output is a person's call, not a retry's).
 */
export const successfulStatuses = ['succeeded', 'warning', 'held'] as const satisfies readonly TerminalStatus[];

/** A period whose claim points at a run in one of these may be claimed again by a retry. */
export const retryableStatuses = ['failed', 'timed_out'] as const satisfies readonly TerminalStatus[];

/** Not over yet: a period claimed by such a run is taken. */
export const activeStatuses = jobStatuses.filter((status) => !(terminalStatuses as readonly JobStatus[]).includes(status));

const isIn = (statuses: readonly JobStatus[], status: JobStatus): boolean => statuses.includes(status);
export const isTerminal = (status: JobStatus): status is TerminalStatus => isIn(terminalStatuses, status);
export const isSuccessful = (status: JobStatus): boolean => isIn(successfulStatuses, status);
export const isActive = (status: JobStatus): boolean => isIn(activeStatuses, status);

export const JobTrigger = {
  schedule: 'schedule',
  api: 'api',
  debounce: 'debounce',
  catchUp: 'catch-up',
  backfill: 'backfill',
  retry: 'retry',
  /** A partition run a fanning-out rollup started (`triggeredBy` names it). */
  fanOut: 'fan-out',
} as const;
export type JobTrigger = (typeof JobTrigger)[keyof typeof JobTrigger];
export const jobTriggers = Object.values(JobTrigger) as [JobTrigger, ...JobTrigger[]];
