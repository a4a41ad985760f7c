/**
 * Run states and the only transitions between them. The ledger refuses anything else with a
 * conditional write, so a late or duplicated event can never move a run backwards.
 */
export const JobStatus = {
  queued: 'queued',
  running: 'running',
  succeeded: 'succeeded',
  warning: 'warning',
  failed: 'failed',
  timedOut: 'timed_out',
  skipped: 'skipped',
} as const;
export type JobStatus = (typeof JobStatus)[keyof typeof JobStatus];
export const jobStatuses = Object.values(JobStatus) as [JobStatus, ...JobStatus[]];

export const terminalStatuses = ['succeeded', 'warning', 'failed', 'timed_out', 'skipped'] as const satisfies readonly JobStatus[];
export type TerminalStatus = (typeof terminalStatuses)[number];

/** A period whose run ended in one of these counts as done: it is not caught up again. */
export const successfulStatuses = ['succeeded', 'warning'] as const satisfies readonly JobStatus[];

/** A period whose claim points at a run in one of these may be claimed again by a retry. */
export const retryableStatuses = ['failed', 'timed_out'] as const satisfies readonly JobStatus[];

export function isSuccessful(status: JobStatus): boolean {
  return (successfulStatuses as readonly string[]).includes(status);
}

export const activeStatuses = ['queued', 'running'] as const satisfies readonly JobStatus[];

export function isTerminal(status: JobStatus): status is TerminalStatus {
  return (terminalStatuses as readonly string[]).includes(status);
}

export const JobTrigger = {
  schedule: 'schedule',
  api: 'api',
  debounce: 'debounce',
  catchUp: 'catch-up',
  backfill: 'backfill',
  retry: 'retry',
} as const;
export type JobTrigger = (typeof JobTrigger)[keyof typeof JobTrigger];
export const jobTriggers = Object.values(JobTrigger) as [JobTrigger, ...JobTrigger[]];
