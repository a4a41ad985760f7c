import * as z from 'zod/mini';
import '../zod-mini-english';
import type { JobDefinition, JobDependencies } from './definition';
import type { JobRecord } from './record';
import { jobTriggers } from './states';
import { createRun } from './lifecycle/create-run';
import { executeRun, type ExecutionLimits } from './execute-run';
import { executeDebouncedRun } from './debounce';
import { InvalidJobParamsError, JobNotFoundError } from './errors';
import { periodForSchedule } from './schedule-period';
import { reportRunEnded } from './run-metrics';
import { zodMessage } from '../validation';

/**
 * What a job function accepts: from the scheduler (slot time), the API or another job. `type` is
 * one the catalog ships (its view in the dependencies: core knows no job type by name).
 */
const invocationSchema = (jobTypes: readonly string[]) =>
  z.strictObject({
    type: z.enum(jobTypes),
    jobId: z.optional(z.string().check(z.regex(/^[0-9A-HJKMNP-TV-Z]{26}$/, 'a ULID'))),
    trigger: z.enum(jobTriggers),
    period: z.optional(z.string().check(z.maxLength(20))),
    // Scheduler writes the slot without milliseconds (`…T10:30:00Z`): kept as every slot key is (`toISOString`).
    scheduledFor: z.optional(z.pipe(z.iso.datetime({ offset: true }), z.transform((iso) => new Date(iso).toISOString()))),
    scheduleName: z.optional(z.string().check(z.maxLength(64))),
    params: z.optional(z.record(z.string(), z.unknown())),
    force: z.optional(z.boolean()),
    triggeredBy: z.optional(z.string().check(z.maxLength(128))),
  });

export type InvocationResult =
  | { outcome: 'ran'; job: JobRecord }
  | { outcome: 'skipped'; job: JobRecord; existingJobId: string }
  | { outcome: 'rejected'; reason: string };

/**
 * The one entry every job function goes through. A scheduled invocation creates its run (and
 * claims its period, derived from the slot time, not the clock); an invocation with `jobId`
 * starts the run the API or the sweeper already recorded. A `debounce` invocation goes through
 * `executeDebouncedRun`, which keeps the debounce mark right. Job failures are recorded, never
 * thrown, so Lambda does not retry a run that has an answer.
 */
export async function handleInvocation<P>(
  definition: JobDefinition<P>,
  event: unknown,
  deps: JobDependencies,
  limits: ExecutionLimits,
): Promise<InvocationResult> {
  const parsed = invocationSchema(deps.catalog.types).safeParse(event);
  if (!parsed.success) {
    const reason = zodMessage(parsed.error, { whole: 'event' });
    deps.logger.error('rejected a malformed invocation', { reason, type: definition.type });
    return { outcome: 'rejected', reason };
  }
  const invocation = parsed.data;
  if (invocation.type !== definition.type) {
    const reason = `this function runs ${definition.type} jobs, not ${invocation.type}`;
    deps.logger.error('rejected an invocation for another type', { reason });
    return { outcome: 'rejected', reason };
  }

  let queued: JobRecord;
  if (invocation.jobId) {
    const existing = await deps.ledger.get(invocation.jobId);
    if (!existing || existing.type !== definition.type) throw new JobNotFoundError(invocation.jobId);
    queued = existing;
  } else {
    let period: string | undefined;
    try {
      period = invocation.period ?? periodForSchedule(deps.config, invocation.scheduleName, invocation.scheduledFor);
    } catch (error) {
      if (error instanceof InvalidJobParamsError) return { outcome: 'rejected', reason: error.message };
      throw error;
    }
    const created = await createRun(deps, {
      type: definition.type,
      trigger: invocation.trigger,
      triggeredBy: invocation.triggeredBy ?? invocation.scheduleName ?? invocation.trigger,
      params: invocation.params ?? {},
      ...(period !== undefined ? { period } : {}),
      ...(invocation.scheduledFor !== undefined ? { scheduledFor: invocation.scheduledFor } : {}),
      ...(invocation.scheduleName !== undefined ? { scheduleName: invocation.scheduleName } : {}),
      ...(invocation.force ? { force: true } : {}),
    });
    if (created.outcome === 'skipped') {
      deps.logger.info('period already claimed; skipped', { jobId: created.job.id, existingJobId: created.existingJobId, period });
      // Recorded as ended right away: counted like any other skipped run (a duplicate delivery, a lost race).
      reportRunEnded(deps.runMetrics, created.job, deps.logger);
      return created;
    }
    queued = created.job;
  }
  const { debounce } = deps;
  if (invocation.trigger === 'debounce' && debounce) {
    return { outcome: 'ran', job: await executeDebouncedRun(definition, queued, { ...deps, debounce }, limits) };
  }
  return { outcome: 'ran', job: await executeRun(definition, queued, deps, limits) };
}
