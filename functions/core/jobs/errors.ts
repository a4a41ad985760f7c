import { NightshiftError } from '../errors';
import type { JobStatus } from './states';

export class JobNotFoundError extends NightshiftError {
  constructor(readonly jobId: string, options?: { cause?: unknown }) {
    super('job_not_found', `no job with id ${jobId}`, options);
  }
}

/** A state change the lifecycle does not allow, or one that lost a race to another writer. */
export class IllegalTransitionError extends NightshiftError {
  constructor(
    readonly jobId: string,
    readonly to: JobStatus,
    readonly actual: JobStatus | undefined,
    options?: { cause?: unknown },
  ) {
    super('illegal_transition', `job ${jobId} cannot move to ${to} from ${actual ?? 'an unknown state'}`, options);
  }
}

/** A forced re-run asked for while the period's run is still queued or running. */
export class RunInProgressError extends NightshiftError {
  constructor(readonly existingJobId: string, options?: { cause?: unknown }) {
    super('run_in_progress', `job ${existingJobId} is still running for this period`, options);
  }
}

export class LeaseLostError extends NightshiftError {
  constructor(readonly lease: string, readonly owner: string, options?: { cause?: unknown }) {
    super('lease_lost', `lease ${lease} is not held by ${owner}`, options);
  }
}

export class DeadlineExceededError extends NightshiftError {
  constructor(readonly deadline: Date, options?: { cause?: unknown }) {
    super('deadline_exceeded', `the run passed its deadline ${deadline.toISOString()}`, options);
  }
}

export class InvalidJobParamsError extends NightshiftError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('invalid_params', message, options);
  }
}

export class UnknownJobTypeError extends NightshiftError {
  constructor(readonly type: string, known: readonly string[], options?: { cause?: unknown }) {
    super('unknown_job_type', `unknown job type "${type}" (known: ${known.join(', ')})`, options);
  }
}

export class UnknownScheduleError extends NightshiftError {
  constructor(readonly schedule: string, known: readonly string[]) {
    super('unknown_schedule', `no schedule named "${schedule}" (the schedules are ${known.map((name) => `"${name}"`).join(', ') || 'none'})`);
  }
}

/** A slot listing asked for a range that is backwards, too long, or holds too many slots. */
export class InvalidSlotRangeError extends NightshiftError {
  constructor(message: string) {
    super('invalid_slot_range', message);
  }
}
