import { NightshiftError } from '../errors';
import { EVENT_LIMITS } from './metric-event';

/** One event the ingest refused, by its position in the request (0-based). */
export interface RejectedEvent {
  index: number;
  error: string;
}

/** The body is not `{events:[…]}` JSON nor NDJSON at all: nothing in it can be judged per event. */
export class MalformedEventsBodyError extends NightshiftError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('malformed_body', message, options);
  }
}

export class TooManyEventsError extends NightshiftError {
  constructor(readonly count: number) {
    super('too_many_events', `the request holds ${count} events; at most ${EVENT_LIMITS.maxEventsPerRequest} per request (split it)`);
  }
}

/** Every event was refused: the caller learns why for each, and nothing was written. */
export class NoValidEventsError extends NightshiftError {
  constructor(readonly rejected: readonly RejectedEvent[]) {
    const first = rejected[0];
    super(
      'no_valid_events',
      rejected.length === 0
        ? 'the request holds no events'
        : `none of the ${rejected.length} events is valid (first: event ${first?.index}: ${first?.error})`,
    );
  }
}
