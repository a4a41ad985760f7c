/**
 * What the Nightshift HTTP API answers, as the client sees it. Declared here rather than
 * imported from the server so the client stays free of server code (the CLI, a browser console
 * and an MCP server all use it); `test/unit/client/types-match-server.test.ts` checks at compile
 * time that the server's records still fit these shapes.
 */
export * from './proof-types';

export type JobStatus = 'queued' | 'running' | 'succeeded' | 'warning' | 'failed' | 'timed_out' | 'skipped' | 'held';
export type JobTrigger = 'schedule' | 'api' | 'debounce' | 'catch-up' | 'backfill' | 'retry' | 'fan-out';

/** A run is over in these states; `watch` stops there. */
export const TERMINAL_STATUSES: readonly JobStatus[] = ['succeeded', 'warning', 'failed', 'timed_out', 'skipped', 'held'];

export interface ArtifactRef {
  name: string;
  key: string;
  size: number;
  contentType: string;
}

export interface JobRecord {
  id: string;
  type: string;
  status: JobStatus;
  trigger: JobTrigger;
  period?: string;
  scheduledFor?: string;
  /** The schedule whose slot this run is (its delivery, or the sweeper's catch-up of it). */
  scheduleName?: string;
  params: Record<string, unknown>;
  force?: boolean;
  createdAt: string;
  startedAt?: string;
  finishedAt?: string;
  durationMs?: number;
  deadlineAt?: string;
  summary?: Record<string, unknown>;
  error?: { code: string; message: string };
  exitCode?: number;
  artifacts: ArtifactRef[];
  logs?: string;
  triggeredBy: string;
  skippedFor?: string;
  /** The run whose period this one took over: the failed run a catch-up or backfill retries. */
  replaces?: string;
  /** A manual run waiting behind a held lease: the holder (last seen), since when, tries, next try. */
  waitingFor?: string;
  waitingSince?: string;
  waits?: number;
  nextAttemptAt?: string;
  /** A `held` run released by a person: who and when. */
  releasedBy?: string;
  releasedAt?: string;
  expiresAt: number;
}

/** `GET /jobs/{id}`: the record, each artifact with a short-lived download link. */
export interface JobDetail extends Omit<JobRecord, 'artifacts'> {
  artifacts: Array<ArtifactRef & { url: string }>;
}

export interface JobPage {
  items: JobRecord[];
  nextCursor: string | null;
}

export interface JobListQuery {
  type?: string;
  status?: JobStatus;
  /** ISO-8601 with an offset. */
  since?: string;
  until?: string;
  /** 1–100 per page. */
  limit?: number;
  cursor?: string;
}

export interface SubmitJobRequest {
  type: string;
  period?: string;
  params?: Record<string, unknown>;
  force?: boolean;
}

/** `POST /jobs` and `POST /scheduler/trigger/{type}`: 202 a new run, or 200 the run that already covers the period. */
export interface SubmitJobResult {
  job: JobRecord;
  /** Set when the period already had a run (the new record is `skipped`, pointing at it). */
  existingJobId?: string;
  /** 202 started, 200 already covered. */
  httpStatus: number;
}

export interface BackfillRequest {
  type: string;
  /** Period keys of one type (`2026-11-01`, `2026-W40`, `2026-09`), both included. */
  from: string;
  to: string;
  /** Default true: skip periods already done; false re-runs them. */
  onlyMissing?: boolean;
}

export interface BackfillResult {
  type: string;
  periodType: string;
  from: string;
  to: string;
  periods: number;
  queued: Array<{ period: string; jobId: string }>;
  skipped: Array<{ period: string; reason: 'done' | 'in_progress'; jobId: string }>;
}

/** `GET /jobs/{id}/logs`: a script run's whole stdout/stderr, or why there is none. */
export type JobLogs =
  | { jobId: string; type: string; status: JobStatus; available: false; message: string }
  | {
      jobId: string;
      type: string;
      status: JobStatus;
      available: true;
      stdout: LogStream | null;
      stderr: LogStream | null;
    };

export interface LogStream {
  key: string;
  size: number;
  bytesWritten: number;
  truncated: boolean;
  url: string;
  inline: boolean;
  text?: string;
}

export interface RunBrief {
  id: string;
  status: string;
  createdAt: string;
  finishedAt?: string;
  period?: string;
}

export interface JobHealth {
  healthy: boolean;
  reason: string;
  schedules: string[];
  intervalMs?: number;
  lastRun: RunBrief | null;
  /** The last run that succeeded (or ended with a warning). */
  lastSuccess: RunBrief | null;
  /** The last run that did its work: a success, or what its type counts as done (a critical sampling proof). */
  lastCompleted: RunBrief | null;
}

export interface HealthReport {
  status: 'ok' | 'degraded';
  version: string;
  time: string;
  /** The business time zone (config `timezone`). */
  timezone: string;
  jobs: Record<string, JobHealth>;
}

/** `GET /health/{type}`. */
export type TypeHealthReport = JobHealth & { status: 'ok' | 'degraded'; version: string; timezone: string; type: string };

export interface EventsResult {
  accepted: number;
  /** `index`: the event's position in the request (among non-blank NDJSON lines). */
  rejected: Array<{ index: number; error: string }>;
  objects: string[];
}

export interface StatsQuery {
  metric: string;
  /** Local days `YYYY-MM-DD`, both included. */
  from: string;
  to: string;
  groupBy?: string;
}

export interface StatsResult {
  metric: string;
  timezone: string;
  /** `complete` is false while accepted events of the day may not be counted yet. */
  items: Array<{ day: string; dims: Record<string, string>; count: number; sum: number; min: number; max: number; complete: boolean }>;
  /** Days of the range (with or without items) whose stats may not hold every accepted event yet. */
  incompleteDays: string[];
}

export interface ScheduledRun {
  /** ISO-8601 UTC. */
  utc: string;
  /** The same instant in the schedule's zone, with its offset. */
  local: string;
}

export interface SchedulerTask {
  name: string;
  type: string;
  expression: string;
  timezone: string;
  enabled: boolean;
  period: string;
  description: string | null;
  /** The next 5 fire times (fewer when the schedule ends; none when disabled). */
  nextRuns: ScheduledRun[];
  /** The run standing for its newest slot that has one: its delivery, a catch-up, or a backfill or manual run of its period. */
  lastRun: SlotRun | null;
  /** The same, among runs that succeeded or ended with a warning. */
  lastSuccess: SlotRun | null;
  /** How the sweeper makes up its missed slots. */
  catchUp: { mode: 'none' | 'latest' | 'all'; window: string; maxPerSweep: number };
  /** `missedDays`: of `dates`, the local days the schedule does not fire at all (a gap costing a whole day, not one slot of many). */
  warnings: Array<{ code: 'dst_gap' | 'dst_overlap' | 'invalid_expression'; message: string; dates: string[]; missedDays: string[] }>;
}

export interface SlotRun {
  id: string;
  status: JobStatus;
  trigger: JobTrigger;
  createdAt?: string;
  finishedAt?: string;
}

/** What became of a slot (see docs/schedules.md): each slot has exactly one. */
export type SlotFate = 'fired' | 'failed' | 'retried' | 'caught_up' | 'skipped' | 'period_taken' | 'dead_lettered' | 'missing' | 'not_yet' | 'before_first_start';
export const SLOT_FATES: readonly SlotFate[] = ['fired', 'failed', 'retried', 'caught_up', 'skipped', 'period_taken', 'dead_lettered', 'missing', 'not_yet', 'before_first_start'];
/** Fates that mean a slot is past due with nothing standing for it (the CLI's `--missed`, the console's filter). */
export const MISSED_SLOT_FATES: readonly SlotFate[] = ['missing', 'skipped', 'dead_lettered', 'failed'];

export interface ScheduleSlot {
  scheduledFor: string;
  /** The slot's wall time in the schedule's zone with its offset (a DST-gap slot: the time it was meant for). */
  local: string;
  dstGap?: true;
  period?: string;
  fate: SlotFate;
  /** For skipped and caught_up: why the slot had no delivery. */
  reason?: 'dst_gap' | 'dead_lettered' | 'missed';
  run?: SlotRun;
  /** For retried: the failed run it took over from. */
  replaces?: string;
}

/** `GET /scheduler/tasks/{name}/slots`. */
export interface ScheduleSlots {
  schedule: string;
  type: string;
  timezone: string;
  period: string;
  /** Exclusive. */
  from: string;
  /** Inclusive. */
  to: string;
  counts: Record<SlotFate, number>;
  slots: ScheduleSlot[];
}

export interface SchedulerTasks {
  tasks: SchedulerTask[];
}

export interface SnapshotsQuery {
  /** `daily` (default), `weekly`, `monthly`, or one period key. */
  period?: string;
  from?: string;
  to?: string;
  scope?: string;
  limit?: number;
  cursor?: string;
}

export interface SnapshotItem {
  periodType: 'daily' | 'weekly' | 'monthly';
  period: string;
  periodStart: string;
  periodEnd: string;
  scope: string;
  values: Record<string, number | null>;
  errors: Array<{ metric: string; scope?: string; code: string; message: string }>;
  generatedAt: string;
  jobId: string;
  artifactKey: string;
  artifactUrl?: string;
  expiresAt: number;
}

export interface SnapshotPage {
  periodType: 'daily' | 'weekly' | 'monthly';
  from: string;
  to: string;
  timezone: string;
  items: SnapshotItem[];
  nextCursor: string | null;
}

/** A JSON Schema object as `GET /scripts` describes a script's arguments. */
export interface JsonSchemaObject {
  type?: string;
  properties?: Record<string, { type?: string | string[]; description?: string; default?: unknown; enum?: unknown[] }>;
  required?: string[];
  [keyword: string]: unknown;
}

export interface ScriptDescription {
  name: string;
  description: string;
  interpreter: string;
  timeoutMs: number;
  memoryMb: number;
  schedule?: unknown;
  args: JsonSchemaObject;
  argv: Record<string, string>;
}

export interface ScriptList {
  scripts: ScriptDescription[];
  maxConcurrency: number;
  outputCapBytes: number;
  run: string;
}

/** `GET /me`. */
export interface Principal {
  name: string;
  scopes: Array<'admin' | 'ingest' | 'read'>;
}

/** `GET /metrics`. */
export interface MetricsCatalog {
  timezone: string;
  weekStartsOn: string;
  metrics: Array<{ name: string; description?: string; unit?: string }>;
  ratios: Array<{ name: string; numerator: string; denominator: string; description?: string }>;
  dimensions: string[];
}
