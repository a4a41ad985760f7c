/**
 * The HTTP routes, as data: method, path (API Gateway syntax) and the scope a caller needs.
 * The API handler's router, the CDK HTTP API and the local cloud all read this one list.
 */
export type Scope = 'none' | 'read' | 'ingest' | 'admin';

export interface RouteSpec {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  path: string;
  scope: Scope;
  summary: string;
  /** The largest body the route reads; default `MAX_CONTROL_BODY_BYTES`. */
  maxBodyBytes?: number;
}

/** Control requests (start a run, a backfill) are small: anything bigger is a mistake or an attack. */
export const MAX_CONTROL_BODY_BYTES = 64 * 1024;

export const routeSpecs = [
  { method: 'GET', path: '/health', scope: 'none', summary: 'Health of every job type' },
  { method: 'GET', path: '/health/{type}', scope: 'none', summary: 'Health of one job type' },
  { method: 'GET', path: '/openapi.json', scope: 'none', summary: 'This API as an OpenAPI 3.1 document' },
  { method: 'GET', path: '/console', scope: 'none', summary: 'The web console (HTML); it asks for a token and calls this API with it' },
  { method: 'GET', path: '/console/assets/{file}', scope: 'none', summary: "The web console's script and style sheet" },
  { method: 'GET', path: '/me', scope: 'read', summary: "The calling token's name and scopes" },
  { method: 'GET', path: '/metrics', scope: 'read', summary: 'The configured metrics, ratios and dimensions, and the time zone of days' },
  { method: 'POST', path: '/jobs', scope: 'admin', summary: 'Start a run' },
  { method: 'GET', path: '/jobs', scope: 'read', summary: 'List runs, newest first' },
  { method: 'POST', path: '/jobs/backfill', scope: 'admin', summary: 'Start one run per period of a range (at most 400), skipping periods already done' },
  { method: 'GET', path: '/scheduler/tasks', scope: 'read', summary: 'Every schedule: next 5 fire times, last run, DST warnings' },
  { method: 'GET', path: '/scheduler/tasks/{name}/slots', scope: 'read', summary: "A schedule's slots in a range, each with its fate (fired, caught up, missing, ...) and its run" },
  { method: 'POST', path: '/scheduler/trigger/{type}', scope: 'admin', summary: 'Run now what a schedule would: a schedule by name (its job, period and params), daily, weekly or monthly snapshot, or any job type' },
  { method: 'GET', path: '/snapshots', scope: 'read', summary: 'Snapshot items per scope, with artifact links' },
  { method: 'GET', path: '/jobs/{id}', scope: 'read', summary: 'One run, with artifact links' },
  { method: 'POST', path: '/jobs/{id}/release', scope: 'admin', summary: "Publish a held run's output (quarantined for a critical sampling proof) to its normal key; records who released it" },
  { method: 'GET', path: '/jobs/{id}/logs', scope: 'read', summary: "A script run's full stdout and stderr" },
  { method: 'GET', path: '/scripts', scope: 'read', summary: 'The script whitelist with argument schemas' },
  { method: 'POST', path: '/events', scope: 'ingest', summary: 'Ingest metric events (JSON or NDJSON); starts a debounced rollup', maxBodyBytes: 10 * 1024 * 1024 },
  { method: 'GET', path: '/stats', scope: 'read', summary: 'Daily stats of a metric over local days' },
  { method: 'GET', path: '/proofs', scope: 'read', summary: 'Sampling proofs of local days from..to (index entries)' },
  { method: 'GET', path: '/proofs/{date}', scope: 'read', summary: "One day's sampling proof artifact" },
  { method: 'GET', path: '/annotations', scope: 'read', summary: 'Annotations of local days from..to, and the configured region\'s holidays on them' },
  { method: 'POST', path: '/annotations', scope: 'admin', summary: 'Annotate days (incident, holiday, promotion, new_normal) with why; recorded with who' },
  { method: 'POST', path: '/internal/rollup/trigger', scope: 'admin', summary: 'Run a rollup now and return its record (tests only)' },
] as const satisfies readonly RouteSpec[];

type KeyOf<S> = S extends { method: infer M extends string; path: infer P extends string } ? `${M} ${P}` : never;
export type RouteKey = KeyOf<(typeof routeSpecs)[number]>;
