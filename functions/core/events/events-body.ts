import { EVENT_LIMITS } from './metric-event';
import { MalformedEventsBodyError, TooManyEventsError } from './errors';

export type EventsBodyFormat = 'json' | 'ndjson';

/** One event slot of a request: the parsed value, or why its line could not even be parsed. */
export type RawEvent = { ok: true; value: unknown } | { ok: false; error: string };

/**
 * `application/x-ndjson` (or `application/ndjson`) is NDJSON; anything else is read as JSON, so
 * a `curl -d` without a content type still works.
 */
export function eventsBodyFormat(contentType: string | undefined): EventsBodyFormat {
  const mediaType = (contentType ?? '').split(';')[0]?.trim().toLowerCase();
  return mediaType === 'application/x-ndjson' || mediaType === 'application/ndjson' ? 'ndjson' : 'json';
}

/**
 * Splits a request body into its events. The body as a whole must be well formed (JSON
 * `{events:[…]}`, or NDJSON); within NDJSON a line that is not JSON is that event's own problem,
 * reported by index like any invalid event, so it never costs its neighbours.
 */
export function parseEventsBody(body: string | undefined, format: EventsBodyFormat): RawEvent[] {
  if (body === undefined || body.trim() === '') {
    throw new MalformedEventsBodyError('a body is required: {"events":[…]} as JSON, or one event per line as application/x-ndjson');
  }
  return format === 'ndjson' ? parseNdjson(body) : parseJson(body);
}

function parseJson(body: string): RawEvent[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch (error) {
    throw new MalformedEventsBodyError(`the body is not valid JSON: ${(error as Error).message} (NDJSON needs content-type application/x-ndjson)`, { cause: error });
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new MalformedEventsBodyError('the body must be a JSON object {"events":[…]}');
  }
  const unknown = Object.keys(parsed).filter((key) => key !== 'events');
  if (unknown.length > 0) throw new MalformedEventsBodyError(`unknown field(s) ${unknown.map((k) => JSON.stringify(k.slice(0, 64))).join(', ')}; the body is {"events":[…]}`);
  const events = (parsed as { events?: unknown }).events;
  if (!Array.isArray(events)) throw new MalformedEventsBodyError('"events" must be an array of events');
  if (events.length > EVENT_LIMITS.maxEventsPerRequest) throw new TooManyEventsError(events.length);
  return events.map((value: unknown) => ({ ok: true, value }));
}

function parseNdjson(body: string): RawEvent[] {
  const lines = body.split('\n');
  let count = 0;
  for (const line of lines) if (line.trim() !== '') count += 1;
  // Counted before parsing anything: an oversized request costs no JSON work.
  if (count > EVENT_LIMITS.maxEventsPerRequest) throw new TooManyEventsError(count);
  const events: RawEvent[] = [];
  lines.forEach((line, lineIndex) => {
    if (line.trim() === '') return;
    try {
      events.push({ ok: true, value: JSON.parse(line) as unknown });
    } catch (error) {
      events.push({ ok: false, error: `line ${lineIndex + 1} is not valid JSON: ${(error as Error).message}` });
    }
  });
  return events;
}
