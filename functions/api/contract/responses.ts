import * as z from 'zod/mini';
import '../../core/zod-mini-english';
import { annotationKinds } from '../../core/calendar/types';
import { jobTypeNames } from '../../catalog';
import { jobStatuses, jobTriggers } from '../../core/jobs/states';
import { slotFates, slotReasons } from '../../core/jobs/slots/schedule-slots';
import { catchUpModes } from '../../core/config';

/**
 * What the API answers, as zod schemas: they document the responses in the OpenAPI document and
 * tests parse real answers with them, so the document cannot drift from the server. Objects are
 * loose (extra fields allowed) where the server passes stored items through.
 */
const isoTime = z.string().check(z.describe('ISO-8601 UTC time'));

export const errorBody = z.strictObject({ error: z.strictObject({ code: z.string().check(z.describe('stable, machine-readable')), message: z.string().check(z.describe('for people')) }) }).check(z.meta({ id: 'Error' }));

export const artifactRef = z
  .looseObject({
    name: z.string(),
    key: z.string().check(z.describe('object key in the artifacts bucket')),
    size: z.number().check(z.int(), z.gte(0)),
    contentType: z.string(),
    url: z.optional(z.string()).check(z.describe('presigned GET, valid 15 minutes (GET /jobs/{id} only)')),
  })
  .check(z.meta({ id: 'Artifact' }));

export const jobRecord = z
  .looseObject({
    id: z.string().check(z.describe('ULID')),
    type: z.enum(jobTypeNames),
    status: z.enum(jobStatuses),
    trigger: z.enum(jobTriggers),
    period: z.optional(z.string()),
    scheduledFor: z.optional(isoTime),
    scheduleName: z.optional(z.string()).check(z.describe('the schedule whose slot (scheduledFor) this run is: its delivery, or the sweeper catching it up')),
    params: z.record(z.string(), z.unknown()),
    force: z.optional(z.boolean()),
    createdAt: isoTime,
    startedAt: z.optional(isoTime),
    finishedAt: z.optional(isoTime),
    durationMs: z.optional(z.number().check(z.int(), z.gte(0))),
    deadlineAt: z.optional(isoTime),
    summary: z.optional(z.record(z.string(), z.unknown())),
    error: z.optional(z.object({ code: z.string(), message: z.string() })),
    exitCode: z.optional(z.number().check(z.int())),
    artifacts: z.array(artifactRef),
    logs: z.optional(z.string()),
    triggeredBy: z.string(),
    skippedFor: z.optional(z.string()).check(z.describe('a skipped run: the run that covers its period or held its lease')),
    replaces: z.optional(z.string()).check(z.describe('the run whose period claim this run took over: the failed run a catch-up or backfill retries')),
    waitingFor: z.optional(z.string()).check(z.describe('a manual run that found its lease held: the run it waited behind (last seen)')),
    waitingSince: z.optional(isoTime),
    waits: z.optional(z.number().check(z.int(), z.gte(1))).check(z.describe('how many times it found the lease held')),
    nextAttemptAt: z.optional(isoTime).check(z.describe('while queued: when it tries again')),
    expiresAt: z.number().check(z.int(), z.describe('TTL, epoch seconds')),
  })
  .check(z.meta({ id: 'JobRecord' }));

export const submittedJob = z.strictObject({ job: jobRecord, existingJobId: z.optional(z.string()) });

export const jobPage = z.strictObject({ items: z.array(jobRecord), nextCursor: z.nullable(z.string()) });

const runBrief = z.looseObject({ id: z.string(), status: z.enum(jobStatuses), createdAt: isoTime, finishedAt: z.optional(isoTime), period: z.optional(z.string()) });

const jobHealth = z.strictObject({
  healthy: z.boolean(),
  reason: z.string(),
  schedules: z.array(z.string()),
  intervalMs: z.optional(z.number()),
  lastRun: z.nullable(runBrief),
  lastSuccess: z.nullable(runBrief).check(z.describe('the last run that succeeded (or ended with a warning)')),
  lastCompleted: z.nullable(runBrief).check(z.describe('the last run that did its work: a success, or what its type counts as done (a critical sampling proof); freshness is judged on it')),
});

export const healthBody = z.strictObject({
  status: z.enum(['ok', 'degraded']),
  version: z.string(),
  time: isoTime,
  timezone: z.string().check(z.describe('the business time zone (config `timezone`): local days and the times in `reason` are its')),
  jobs: z.record(z.string(), jobHealth),
}).check(z.meta({ id: 'Health' }));

export const typeHealthBody = z.extend(jobHealth, { status: z.enum(['ok', 'degraded']), version: z.string(), timezone: z.string(), type: z.enum(jobTypeNames) });

export const eventsAccepted = z.strictObject({
  accepted: z.number().check(z.int(), z.gte(0)),
  rejected: z.array(z.strictObject({ index: z.number().check(z.int(), z.gte(0)), error: z.string() })),
  objects: z.array(z.string()).check(z.describe('the event objects written, one per UTC hour')),
});

export const statsBody = z.strictObject({
  metric: z.string(),
  timezone: z.string(),
  items: z.array(
    z.strictObject({
      day: z.string(),
      dims: z.record(z.string(), z.string()),
      count: z.number(),
      sum: z.number(),
      min: z.number(),
      max: z.number(),
      complete: z.boolean().check(z.describe('false while accepted events of the day may not be counted yet (a rollup is due or running, or a stopped one left work)')),
    }),
  ),
  incompleteDays: z.array(z.string()).check(z.describe('days of the range, with or without items, whose stats may not hold every accepted event yet')),
});

export const backfillBody = z.strictObject({
  type: z.enum(jobTypeNames),
  periodType: z.enum(['day', 'week', 'month']),
  from: z.string(),
  to: z.string(),
  periods: z.number().check(z.int()),
  queued: z.array(z.strictObject({ period: z.string(), jobId: z.string() })),
  skipped: z.array(z.strictObject({ period: z.string(), reason: z.enum(['done', 'in_progress']), jobId: z.string() })),
});

const slotRun = z.strictObject({ id: z.string(), status: z.enum(jobStatuses), trigger: z.enum(jobTriggers), createdAt: z.optional(isoTime), finishedAt: z.optional(isoTime) });

export const scheduleSlotsBody = z.strictObject({
  schedule: z.string(),
  type: z.enum(jobTypeNames),
  timezone: z.string(),
  period: z.enum(['none', 'previous-day', 'previous-week', 'previous-month']),
  from: isoTime.check(z.describe('exclusive')),
  to: isoTime.check(z.describe('inclusive')),
  counts: z.record(z.enum(slotFates), z.number().check(z.int(), z.gte(0))),
  slots: z.array(
    z.strictObject({
      scheduledFor: isoTime,
      local: z.string().check(z.describe("the slot's wall time in the schedule's zone, with its offset")),
      dstGap: z.optional(z.literal(true)).check(z.describe('in a spring-forward gap: EventBridge never fires it')),
      period: z.optional(z.string()),
      fate: z.enum(slotFates),
      reason: z.optional(z.enum(slotReasons)).check(z.describe('for skipped and caught_up: why the slot had no delivery')),
      run: z.optional(slotRun).check(z.describe('the run standing for the slot: its own, the catch-up, or the one holding its period')),
      replaces: z.optional(z.string()).check(z.describe('for retried: the failed run it took over from')),
    }),
  ),
});

export const schedulerTasksBody = z.strictObject({
  tasks: z.array(
    z.strictObject({
      name: z.string(),
      type: z.enum(jobTypeNames),
      expression: z.string(),
      timezone: z.string(),
      enabled: z.boolean(),
      period: z.enum(['none', 'previous-day', 'previous-week', 'previous-month']),
      description: z.nullable(z.string()),
      nextRuns: z.array(z.strictObject({ utc: isoTime, local: z.string() })),
      lastRun: z.nullable(slotRun).check(z.describe('the run standing for its newest slot that has one: its own delivery, a catch-up, or a backfill or manual run of its period')),
      lastSuccess: z.nullable(slotRun).check(z.describe('the same, among runs that succeeded or ended with a warning')),
      catchUp: z.strictObject({ mode: z.enum(catchUpModes), window: z.string().check(z.describe('90m, 36h, 7d')), maxPerSweep: z.number().check(z.int(), z.gte(1)) }).check(z.describe('how the sweeper makes up its missed slots: its own catchUp settings over the sweeper defaults')),
      warnings: z.array(
        z.strictObject({ code: z.enum(['dst_gap', 'dst_overlap', 'invalid_expression']), message: z.string(), dates: z.array(z.string()), missedDays: z.array(z.string()) }),
      ),
    }),
  ),
});

const snapshotError = z.strictObject({ metric: z.string(), scope: z.optional(z.string()), code: z.string(), message: z.string() });

export const snapshotsPage = z.strictObject({
  periodType: z.enum(['daily', 'weekly', 'monthly']),
  from: z.string(),
  to: z.string(),
  timezone: z.string(),
  items: z.array(
    z.looseObject({
      period: z.string(),
      periodType: z.enum(['daily', 'weekly', 'monthly']),
      periodStart: z.string(),
      periodEnd: z.string(),
      scope: z.string(),
      values: z.record(z.string(), z.nullable(z.number())),
      errors: z.array(snapshotError),
      generatedAt: isoTime,
      jobId: z.string(),
      artifactKey: z.string(),
      artifactUrl: z.string().check(z.describe('presigned GET of the period artifact, valid 15 minutes')),
      expiresAt: z.number().check(z.int()),
    }),
  ),
  nextCursor: z.nullable(z.string()),
});

const expectedBand = z.strictObject({ min: z.nullable(z.number()), max: z.nullable(z.number()) });

const proofIndexEntry = z.looseObject({
  date: z.string(),
  status: z.enum(['pass', 'warn', 'critical']),
  exitCode: z.number().check(z.int()),
  generatedAt: isoTime,
  key: z.string(),
  jobId: z.string(),
  summary: z.record(z.string(), z.number()),
  criticalMetrics: z.array(z.string()),
  calendar: z.optional(z.array(z.looseObject({ source: z.enum(['holiday', 'annotation']) }))).check(z.describe('holidays and annotations the proof took into account; absent on an ordinary day')),
  bands: z.optional(z.record(z.string(), z.strictObject({ mean: z.number(), warn: expectedBand, critical: expectedBand }))).check(z.describe("each trend-checked metric's expected band that day: outside `warn` at least a warn, outside `critical` critical")),
});

export const annotation = z.strictObject({
  id: z.string(),
  kind: z.enum(annotationKinds),
  from: z.string(),
  to: z.string(),
  metrics: z.array(z.string()).check(z.describe('empty: every metric')),
  note: z.string(),
  createdBy: z.string().check(z.describe('the token that recorded it')),
  createdAt: isoTime,
}).check(z.meta({ id: 'Annotation' }));

export const annotationsPage = z.strictObject({
  items: z.array(annotation),
  holidays: z.array(z.strictObject({ day: z.string(), name: z.string(), region: z.string() })).check(z.describe("the configured region's holidays on the proven days (as their sampling proofs recorded them)")),
});

export const proofsPage = z.strictObject({ items: z.array(proofIndexEntry) });

export const proofDocument = z
  .looseObject({
    schema: z.string(),
    date: z.string(),
    status: z.enum(['pass', 'warn', 'critical']),
    exitCode: z.number().check(z.int()),
    checks: z.array(z.record(z.string(), z.unknown())),
    anomalies: z.array(z.unknown()),
  })
  .check(z.meta({ id: 'SamplingProof' }));

export const scriptsBody = z.looseObject({
  scripts: z.array(z.looseObject({ name: z.string(), interpreter: z.enum(['python3', 'node']), description: z.string() })),
  maxConcurrency: z.number().check(z.int()),
  outputCapBytes: z.number().check(z.int()),
});

const logStream = z.nullable(z.strictObject({
  key: z.string(),
  size: z.number().check(z.int()),
  bytesWritten: z.number().check(z.int()),
  truncated: z.boolean(),
  url: z.string(),
  inline: z.boolean(),
  text: z.optional(z.string()),
}));

export const logsBody = z.union([
  z.strictObject({ jobId: z.string(), type: z.enum(jobTypeNames), status: z.enum(jobStatuses), available: z.literal(true), stdout: logStream, stderr: logStream }),
  z.strictObject({ jobId: z.string(), type: z.enum(jobTypeNames), status: z.enum(jobStatuses), available: z.literal(false), message: z.string() }),
]);

export const rollupTriggered = z.strictObject({ job: jobRecord });

export const openApiDocument = z.looseObject({ openapi: z.string(), info: z.looseObject({}), paths: z.looseObject({}) });

export const meBody = z.strictObject({ name: z.string().check(z.describe('the token\'s name')), scopes: z.array(z.enum(['admin', 'ingest', 'read'])).check(z.describe('admin implies read and ingest')) });

export const metricsBody = z.strictObject({
  timezone: z.string().check(z.describe('IANA zone local days are counted in')),
  weekStartsOn: z.string(),
  metrics: z.array(z.strictObject({ name: z.string(), description: z.optional(z.string()), unit: z.optional(z.string()) })),
  ratios: z.array(z.strictObject({ name: z.string(), numerator: z.string(), denominator: z.string(), description: z.optional(z.string()) })),
  dimensions: z.array(z.string()).check(z.describe('the dimensions rollups keep (GET /stats groupBy)')),
});

/** A console file: HTML, JavaScript or CSS, not JSON. */
export const consoleFile = z.string().check(z.describe('the file as is'));
