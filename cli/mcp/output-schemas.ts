import * as z from 'zod';

/**
 * Output schemas name the fields an agent relies on and let every other field through (loose
 * objects): clients check `structuredContent` against them (the SDK's client does), and an API
 * that gains a field must not make every call fail. The full shapes are `functions/client/types.ts`.
 */
export const jobRecordOutput = z
  .looseObject({
    id: z.string(),
    type: z.string(),
    status: z.string().describe('queued, running, succeeded, warning, failed, timed_out or skipped'),
    createdAt: z.string(),
    period: z.string().optional(),
    summary: z.record(z.string(), z.unknown()).optional(),
    error: z.looseObject({ code: z.string(), message: z.string() }).optional(),
    artifacts: z.array(z.looseObject({ name: z.string(), key: z.string() })),
  })
  .describe('A run as GET /jobs/{id} answers it');

export const jobPageOutput = z.looseObject({
  items: z.array(jobRecordOutput),
  nextCursor: z.string().nullable().describe('Pass as cursor for the next page; null at the end'),
});

/** A followed run: the record, and whether it had ended when the tool answered. */
export const startedRunOutput = z.looseObject({
  job: jobRecordOutput.describe('The run: its final record when finished, else as it was when the tool answered'),
  submittedId: z.string().describe('The run this call recorded (a skipped one points at the run holding its period)'),
  existingJobId: z.string().optional().describe('Set when the period was already covered by this run'),
  waited: z.boolean(),
  finished: z.boolean().describe('Whether the run had ended (succeeded, warning, failed, timed_out or skipped)'),
});

const logTail = z
  .looseObject({
    text: z.string().describe('The end of the stream'),
    bytes: z.number().describe('How much the script wrote'),
    omittedChars: z.number().describe('Characters before text that are left out here'),
    truncated: z.boolean().describe('Whether the stream was cut at the output cap when it was stored'),
    url: z.string().optional().describe('Short-lived link to the whole stored stream'),
  })
  .nullable();

export const logsOutput = z.looseObject({
  jobId: z.string(),
  status: z.string(),
  available: z.boolean(),
  message: z.string().optional().describe('Why there are no logs, when available is false'),
  stdout: logTail.optional(),
  stderr: logTail.optional(),
});

export const scriptRunOutput = startedRunOutput.extend({
  script: z.string(),
  logs: logsOutput.optional().describe('The run\'s output tails, once it has ended'),
});

export const scriptListOutput = z.looseObject({
  scripts: z.array(z.looseObject({ name: z.string(), description: z.string(), args: z.record(z.string(), z.unknown()) })),
  maxConcurrency: z.number(),
  outputCapBytes: z.number(),
});

export const schedulesOutput = z.looseObject({
  tasks: z.array(z.looseObject({ name: z.string(), type: z.string(), expression: z.string(), timezone: z.string(), enabled: z.boolean() })),
});

export const slotsOutput = z.looseObject({
  schedule: z.string(),
  timezone: z.string(),
  from: z.string(),
  to: z.string(),
  counts: z.record(z.string(), z.number()),
  slots: z.array(z.looseObject({ scheduledFor: z.string(), local: z.string(), fate: z.string() })),
});

export const statsOutput = z.looseObject({
  metric: z.string(),
  timezone: z.string(),
  items: z.array(
    z.looseObject({ day: z.string(), dims: z.record(z.string(), z.string()), count: z.number(), sum: z.number(), min: z.number(), max: z.number(), complete: z.boolean() }),
  ),
  incompleteDays: z.array(z.string()).describe('days whose stats may not hold every accepted event yet: a rollup is due or running'),
});

export const proofOutput = z.looseObject({
  date: z.string(),
  timezone: z.string(),
  status: z.string().describe('pass, warn or critical'),
  summary: z.looseObject({ pass: z.number(), warn: z.number(), critical: z.number(), skipped: z.number(), total: z.number() }),
  checks: z.array(z.looseObject({ id: z.string(), status: z.string(), message: z.string() })),
});

const annotationShape = z.looseObject({ id: z.string(), kind: z.string(), from: z.string(), to: z.string(), metrics: z.array(z.string()), note: z.string(), createdBy: z.string() });

export const annotationOutput = annotationShape;

export const annotationsOutput = z.looseObject({
  items: z.array(annotationShape),
  holidays: z.array(z.looseObject({ day: z.string(), name: z.string(), region: z.string() })),
});

export const explainOutput = z.looseObject({
  date: z.string(),
  status: z.string().describe('pass, warn or critical'),
  checks: z.array(
    z.looseObject({
      checkId: z.string(),
      status: z.string(),
      message: z.string(),
      contributors: z.array(z.looseObject({ segment: z.string(), share: z.number(), hours: z.array(z.string()), message: z.string() })).describe('top contributor first'),
    }),
  ),
});
