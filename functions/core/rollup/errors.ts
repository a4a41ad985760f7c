import { NightshiftError } from '../errors';

/** A stats query naming an unknown metric or dimension, or a bad day range: the caller's mistake (400). */
export class InvalidStatsQueryError extends NightshiftError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('invalid_params', message, options);
  }
}

/** Stored rollup state (groups of a contribution or partial) that does not decode: a bug or a hand edit, not bad input. */
export class CorruptRollupStateError extends NightshiftError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('corrupt_rollup_state', message, options);
  }
}

/** Another rollup held the lease for longer than a run could wait to bring the stats up to date. */
export class RollupBusyError extends NightshiftError {
  constructor(readonly holder: string) {
    super('rollup_busy', `the rollup lease stayed held by ${holder}; the stats could not be brought up to date in time`);
  }
}

/**
 * An event object the rollup cannot read whole (corrupt or cut-short gzip, binary data, not a
 * line of NDJSON in it, past the size cap): it contributes nothing and is named in the run's
 * summary, rather than counting whatever part of it happened to parse.
 */
export class UnreadableObjectError extends NightshiftError {
  constructor(readonly reason: string, options?: { cause?: unknown }) {
    super('unreadable_object', reason, options);
  }
}
