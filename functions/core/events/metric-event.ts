/**
 * A raw metric event, as ingested and as stored (one JSON object per line in
 * `events/dt=YYYY-MM-DD/hour=HH/<ulid>.ndjson.gz`, UTC hour of the event time).
 */
export interface MetricEvent {
  metric: string;
  /** ISO-8601 with an explicit offset (`Z` or `±hh:mm`). */
  ts: string;
  value: number;
  dims: Record<string, string>;
}

export interface ValidEvent extends MetricEvent {
  tsMs: number;
}

export type EventCheck = { ok: true; event: ValidEvent } | { ok: false; error: string };

export const EVENT_LIMITS = {
  maxEventsPerRequest: 10_000,
  maxDims: 10,
  maxDimValueLength: 256,
  /** Events further in the future than this are refused (clock skew is fine, typos are not). */
  maxFutureMs: 24 * 3600_000,
  /** The earliest event time accepted. */
  minTimeMs: Date.UTC(2000, 0, 1),
} as const;

const METRIC = /^[a-z][a-z0-9_]{0,62}$/;
const DIMENSION = /^[a-z][a-z0-9_]{0,62}$/;
const ISO_WITH_OFFSET = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(?:Z|[+-](\d{2}):(\d{2}))$/;

/**
 * Checks one event: metric name, ISO time with an offset, a finite value (default 1),
 * string-valued dimensions within limits. The reason names the field, for the `rejected` list.
 */
export function checkEvent(raw: unknown, context: { knownMetrics: ReadonlySet<string>; nowMs: number }): EventCheck {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return fail('an event must be a JSON object');
  const record = raw as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    if (!['metric', 'ts', 'value', 'dims'].includes(key)) return fail(`unknown field "${key.slice(0, 64)}" (allowed: metric, ts, value, dims)`);
  }
  const { metric, ts, value = 1, dims = {} } = record;
  if (typeof metric !== 'string' || !METRIC.test(metric)) return fail('metric must be lower snake_case (a letter, then letters, digits or _; at most 63)');
  if (!context.knownMetrics.has(metric)) return fail(`unknown metric "${metric}" (configured: ${[...context.knownMetrics].sort().join(', ')})`);
  const parts = typeof ts === 'string' ? ISO_WITH_OFFSET.exec(ts) : null;
  if (typeof ts !== 'string' || !parts) return fail('ts must be an ISO-8601 time with an offset, e.g. 2026-11-22T09:15:00Z or 2026-11-22T01:15:00-08:00');
  // Date.parse rolls 2026-02-30 over into March: every field is checked against the calendar first.
  const impossible = impossibleField(parts);
  if (impossible) return fail(`ts "${ts}" is not a real time: ${impossible}`);
  const tsMs = Date.parse(ts);
  if (!Number.isFinite(tsMs)) return fail(`ts "${ts}" is not a real time`);
  if (tsMs < EVENT_LIMITS.minTimeMs) return fail('ts is before 2000-01-01');
  if (tsMs > context.nowMs + EVENT_LIMITS.maxFutureMs) return fail('ts is more than 24 hours in the future');
  if (typeof value !== 'number' || !Number.isFinite(value)) return fail('value must be a finite number (default 1)');
  if (typeof dims !== 'object' || dims === null || Array.isArray(dims)) return fail('dims must be an object of string values');
  const entries = Object.entries(dims as Record<string, unknown>);
  if (entries.length > EVENT_LIMITS.maxDims) return fail(`dims has ${entries.length} keys; at most ${EVENT_LIMITS.maxDims}`);
  const cleanDims: Record<string, string> = {};
  for (const [name, dimValue] of entries) {
    if (!DIMENSION.test(name)) return fail(`dims key "${name.slice(0, 64)}" must be lower snake_case`);
    if (typeof dimValue !== 'string') return fail(`dims.${name} must be a string`);
    if (dimValue.length === 0 || dimValue.length > EVENT_LIMITS.maxDimValueLength) {
      return fail(`dims.${name} must be 1 to ${EVENT_LIMITS.maxDimValueLength} characters`);
    }
    cleanDims[name] = dimValue;
  }
  return { ok: true, event: { metric, ts, value, dims: cleanDims, tsMs } };
}

/** What makes a well-shaped ISO time name no real moment, or undefined when every field is in range. */
function impossibleField(parts: RegExpExecArray): string | undefined {
  const [, year, month, day, hour, minute, second = '00', offsetHours = '00', offsetMinutes = '00'] = parts as unknown as string[];
  const monthNumber = Number(month);
  if (monthNumber < 1 || monthNumber > 12) return 'the month must be 01 to 12';
  const days = new Date(Date.UTC(Number(year), monthNumber, 0)).getUTCDate();
  if (Number(day) < 1 || Number(day) > days) return `${year}-${month} has ${days} days`;
  if (Number(hour) > 23) return 'the hour must be 00 to 23';
  if (Number(minute) > 59) return 'the minute must be 00 to 59';
  if (Number(second) > 59) return 'the second must be 00 to 59';
  if (Number(offsetHours) > 23 || Number(offsetMinutes) > 59) return 'the offset must be within ±23:59';
  return undefined;
}

function fail(error: string): EventCheck {
  return { ok: false, error };
}

/** `events/dt=YYYY-MM-DD/hour=HH/` for the UTC hour holding `tsMs`. */
export function eventHourPrefix(tsMs: number): string {
  const iso = new Date(tsMs).toISOString();
  return `events/dt=${iso.slice(0, 10)}/hour=${iso.slice(11, 13)}/`;
}

/** `YYYY-MM-DDTHH`: the UTC hour partition holding `tsMs`, as the rollup names it. */
export function eventHourKey(tsMs: number): string {
  return new Date(tsMs).toISOString().slice(0, 13);
}
