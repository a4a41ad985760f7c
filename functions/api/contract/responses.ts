import * as z from 'zod';
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
const isoTime = z.string().describe('ISO-8601 UTC time');

export const errorBody = z
  .object({ error: z.object({ code: z.string().describe('stable, machine-readable'), message: z.string().describe('for people') }).strict() })
  .strict()
  .meta({ id: 'Error' });

export const artifactRef = z
  .looseObject({
    name: z.string(),
    key: z.string().describe('object key in the artifacts bucket'),
    size: z.number().int().min(0),
    contentType: z.string(),
    url: z.string().optional().describe('presigned GET, valid 15 minutes (GET /jobs/{id} only)'),
  })
  .meta({ id: 'Artifact' });

export const jobRecord = z
  .looseObject({
    id: z.string().describe('ULID'),
    type: z.enum(jobTypeNames),
    status: z.enum(jobStatuses),
    trigger: z.enum(jobTriggers),
    period: z.string().optional(),
    scheduledFor: isoTime.optional(),
    scheduleName: z.string().optional().describe('the schedule whose slot (scheduledFor) this run is: its delivery, or the sweeper catching it up'),
    params: z.record(z.string(), z.unknown()),
    force: z.boolean().optional(),
    createdAt: isoTime,
    startedAt: isoTime.optional(),
    finishedAt: isoTime.optional(),
    durationMs: z.number().int().min(0).optional(),
    deadlineAt: isoTime.optional(),
    summary: z.record(z.string(), z.unknown()).optional(),
    error: z.object({ code: z.string(), message: z.string() }).optional(),
    exitCode: z.number().int().optional(),
    artifacts: z.array(artifactRef),
    logs: z.string().optional(),
    triggeredBy: z.string(),
    skippedFor: z.string().optional().describe('a skipped run: the run that covers its period or held its lease'),
    replaces: z.string().optional().describe('the run whose period claim this run took over: the failed run a catch-up or backfill retries'),
    waitingFor: z.string().optional().describe('a manual run that found its lease held: the run it waited behind (last seen)'),
    waitingSince: isoTime.optional(),
    waits: z.number().int().min(1).optional().describe('how many times it found the lease held'),
    nextAttemptAt: isoTime.optional().describe('while queued: when it tries again'),
    expiresAt: z.number().int().describe('TTL, epoch seconds'),
  })
  .meta({ id: 'JobRecord' });

export const submittedJob = z.object({ job: jobRecord, existingJobId: z.string().optional() }).strict();

export const jobPage = z.object({ items: z.array(jobRecord), nextCursor: z.string().nullable() }).strict();

const runBrief = z.looseObject({ id: z.string(), status: z.enum(jobStatuses), createdAt: isoTime, finishedAt: isoTime.optional(), period: z.string().optional() });

const jobHealth = z
  .object({
    healthy: z.boolean(),
    reason: z.string(),
    schedules: z.array(z.string()),
    intervalMs: z.number().optional(),
    lastRun: runBrief.nullable(),
    lastSuccess: runBrief.nullable().describe('the last run that succeeded (or ended with a warning)'),
    lastCompleted: runBrief
      .nullable()
      .describe('the last run that did its work: a success, or what its type counts as done (a critical sampling proof); freshness is judged on it'),
  })
  .strict();

export const healthBody = z
  .object({
    status: z.enum(['ok', 'degraded']),
    version: z.string(),
    time: isoTime,
    timezone: z.string().describe('the business time zone (config `timezone`): local days and the times in `reason` are its'),
    jobs: z.record(z.string(), jobHealth),
  })
  .strict()
  .meta({ id: 'Health' });

export const typeHealthBody = jobHealth.extend({ status: z.enum(['ok', 'degraded']), version: z.string(), timezone: z.string(), type: z.enum(jobTypeNames) }).strict();

export const eventsAccepted = z
  .object({
    accepted: z.number().int().min(0),
    rejected: z.array(z.object({ index: z.number().int().min(0), error: z.string() }).strict()),
    objects: z.array(z.string()).describe('the event objects written, one per UTC hour'),
  })
  .strict();

export const statsBody = z
  .object({
    metric: z.string(),
    timezone: z.string(),
    items: z.array(
      z
        .object({
          day: z.string(),
          dims: z.record(z.string(), z.string()),
          count: z.number(),
          sum: z.number(),
          min: z.number(),
          max: z.number(),
          complete: z.boolean().describe('false while accepted events of the day may not be counted yet (a rollup is due or running, or a stopped one left work)'),
        })
        .strict(),
    ),
    incompleteDays: z.array(z.string()).describe('days of the range, with or without items, whose stats may not hold every accepted event yet'),
  })
  .strict();

export const backfillBody = z
  .object({
    type: z.enum(jobTypeNames),
    periodType: z.enum(['day', 'week', 'month']),
    from: z.string(),
    to: z.string(),
    periods: z.number().int(),
    queued: z.array(z.object({ period: z.string(), jobId: z.string() }).strict()),
    skipped: z.array(z.object({ period: z.string(), reason: z.enum(['done', 'in_progress']), jobId: z.string() }).strict()),
  })
  .strict();

const slotRun = z
  .object({ id: z.string(), status: z.enum(jobStatuses), trigger: z.enum(jobTriggers), createdAt: isoTime.optional(), finishedAt: isoTime.optional() })
  .strict();

export const scheduleSlotsBody = z
  .object({
    schedule: z.string(),
    type: z.enum(jobTypeNames),
    timezone: z.string(),
    period: z.enum(['none', 'previous-day', 'previous-week', 'previous-month']),
    from: isoTime.describe('exclusive'),
    to: isoTime.describe('inclusive'),
    counts: z.record(z.enum(slotFates), z.number().int().min(0)),
    slots: z.array(
      z
        .object({
          scheduledFor: isoTime,
          local: z.string().describe("the slot's wall time in the schedule's zone, with its offset"),
          dstGap: z.literal(true).optional().describe('in a spring-forward gap: EventBridge never fires it'),
          period: z.string().optional(),
          fate: z.enum(slotFates),
          reason: z.enum(slotReasons).optional().describe('for skipped and caught_up: why the slot had no delivery'),
          run: slotRun.optional().describe('the run standing for the slot: its own, the catch-up, or the one holding its period'),
          replaces: z.string().optional().describe('for retried: the failed run it took over from'),
        })
        .strict(),
    ),
  })
  .strict();

export const schedulerTasksBody = z
  .object({
    tasks: z.array(
      z
        .object({
          name: z.string(),
          type: z.enum(jobTypeNames),
          expression: z.string(),
          timezone: z.string(),
          enabled: z.boolean(),
          period: z.enum(['none', 'previous-day', 'previous-week', 'previous-month']),
          description: z.string().nullable(),
          nextRuns: z.array(z.object({ utc: isoTime, local: z.string() }).strict()),
          lastRun: slotRun.nullable().describe('the run standing for its newest slot that has one: its own delivery, a catch-up, or a backfill or manual run of its period'),
          lastSuccess: slotRun.nullable().describe('the same, among runs that succeeded or ended with a warning'),
          catchUp: z
            .object({ mode: z.enum(catchUpModes), window: z.string().describe('90m, 36h, 7d'), maxPerSweep: z.number().int().min(1) })
            .strict()
            .describe('how the sweeper makes up its missed slots: its own catchUp settings over the sweeper defaults'),
          warnings: z.array(
            z.object({ code: z.enum(['dst_gap', 'dst_overlap', 'invalid_expression']), message: z.string(), dates: z.array(z.string()), missedDays: z.array(z.string()) }).strict(),
          ),
        })
        .strict(),
    ),
  })
  .strict();

const snapshotError = z.object({ metric: z.string(), scope: z.string().optional(), code: z.string(), message: z.string() }).strict();

export const snapshotsPage = z
  .object({
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
        values: z.record(z.string(), z.number().nullable()),
        errors: z.array(snapshotError),
        generatedAt: isoTime,
        jobId: z.string(),
        artifactKey: z.string(),
        artifactUrl: z.string().describe('presigned GET of the period artifact, valid 15 minutes'),
        expiresAt: z.number().int(),
      }),
    ),
    nextCursor: z.string().nullable(),
  })
  .strict();

const expectedBand = z.object({ min: z.number().nullable(), max: z.number().nullable() }).strict();

const proofIndexEntry = z.looseObject({
  date: z.string(),
  status: z.enum(['pass', 'warn', 'critical']),
  exitCode: z.number().int(),
  generatedAt: isoTime,
  key: z.string(),
  jobId: z.string(),
  summary: z.record(z.string(), z.number()),
  criticalMetrics: z.array(z.string()),
  calendar: z.array(z.looseObject({ source: z.enum(['holiday', 'annotation']) })).optional().describe('holidays and annotations the proof took into account; absent on an ordinary day'),
  bands: z
    .record(z.string(), z.object({ mean: z.number(), warn: expectedBand, critical: expectedBand }).strict())
    .optional()
    .describe("each trend-checked metric's expected band that day: outside `warn` at least a warn, outside `critical` critical"),
});

export const annotation = z
  .object({
    id: z.string(),
    kind: z.enum(annotationKinds),
    from: z.string(),
    to: z.string(),
    metrics: z.array(z.string()).describe('empty: every metric'),
    note: z.string(),
    createdBy: z.string().describe('the token that recorded it'),
    createdAt: isoTime,
  })
  .strict()
  .meta({ id: 'Annotation' });

export const annotationsPage = z
  .object({
    items: z.array(annotation),
    holidays: z.array(z.object({ day: z.string(), name: z.string(), region: z.string() }).strict()).describe("the configured region's holidays on the proven days (as their sampling proofs recorded them)"),
  })
  .strict();

export const proofsPage = z.object({ items: z.array(proofIndexEntry) }).strict();

export const proofDocument = z
  .looseObject({
    schema: z.string(),
    date: z.string(),
    status: z.enum(['pass', 'warn', 'critical']),
    exitCode: z.number().int(),
    checks: z.array(z.record(z.string(), z.unknown())),
    anomalies: z.array(z.unknown()),
  })
  .meta({ id: 'SamplingProof' });

export const scriptsBody = z.looseObject({
  scripts: z.array(z.looseObject({ name: z.string(), interpreter: z.enum(['python3', 'node']), description: z.string() })),
  maxConcurrency: z.number().int(),
  outputCapBytes: z.number().int(),
});

const logStream = z
  .object({
    key: z.string(),
    size: z.number().int(),
    bytesWritten: z.number().int(),
    truncated: z.boolean(),
    url: z.string(),
    inline: z.boolean(),
    text: z.string().optional(),
  })
  .strict()
  .nullable();

export const logsBody = z.union([
  z.object({ jobId: z.string(), type: z.enum(jobTypeNames), status: z.enum(jobStatuses), available: z.literal(true), stdout: logStream, stderr: logStream }).strict(),
  z.object({ jobId: z.string(), type: z.enum(jobTypeNames), status: z.enum(jobStatuses), available: z.literal(false), message: z.string() }).strict(),
]);

export const rollupTriggered = z.object({ job: jobRecord }).strict();

export const openApiDocument = z.looseObject({ openapi: z.string(), info: z.looseObject({}), paths: z.looseObject({}) });

export const meBody = z
  .object({ name: z.string().describe('the token\'s name'), scopes: z.array(z.enum(['admin', 'ingest', 'read'])).describe('admin implies read and ingest') })
  .strict();

export const metricsBody = z
  .object({
    timezone: z.string().describe('IANA zone local days are counted in'),
    weekStartsOn: z.string(),
    metrics: z.array(z.object({ name: z.string(), description: z.string().optional(), unit: z.string().optional() }).strict()),
    ratios: z.array(z.object({ name: z.string(), numerator: z.string(), denominator: z.string(), description: z.string().optional() }).strict()),
    dimensions: z.array(z.string()).describe('the dimensions rollups keep (GET /stats groupBy)'),
  })
  .strict();

/** A console file: HTML, JavaScript or CSS, not JSON. */
export const consoleFile = z.string().describe('the file as is');
