import * as z from 'zod/mini';
import '../../core/zod-mini-english';
import { catalogEntry, jobCatalog } from '../../catalog';
import { jobStatuses } from '../../core/jobs/states';
import { releaseHeldRun } from '../../core/jobs/release-held-run';
import { submitRun, type SubmitResult } from '../../core/jobs/submit-run';
import { oncePerKey } from '../../core/jobs/idempotency';
import { idempotencyKeyOf } from '../idempotency-key';
import { backfill } from '../../core/jobs/backfill';
import type { JobRecord } from '../../core/jobs/record';
import { BadRequestError, NotFoundError } from '../errors';
import { jsonBody, type ApiContext, type ApiResponse, type RouteHandler } from '../http';
import { parseInput as parse } from '../validation';

const ULID = /^[0-9A-HJKMNP-TV-Z]{26}$/;
const PRESIGNED_URL_SECONDS = 900;

export const submitJobBody = z.strictObject({
  type: z.string().check(z.minLength(1), z.maxLength(64)),
  period: z.optional(z.string().check(z.minLength(1), z.maxLength(20))),
  params: z._default(z.record(z.string(), z.unknown()), {}),
  force: z._default(z.boolean(), false),
});

export const backfillBody = z.strictObject({
  type: z.string().check(z.minLength(1), z.maxLength(64)),
  from: z.string().check(z.minLength(1), z.maxLength(20)),
  to: z.string().check(z.minLength(1), z.maxLength(20)),
  onlyMissing: z._default(z.boolean(), true),
});

export const listJobsQuery = z.strictObject({
  type: z.optional(z.string().check(z.maxLength(64))),
  status: z.optional(z.enum(jobStatuses)),
  since: z.optional(z.iso.datetime({ offset: true })),
  until: z.optional(z.iso.datetime({ offset: true })),
  limit: z._default(z.coerce.number().check(z.int(), z.gte(1), z.lte(100)), 20),
  cursor: z.optional(z.string().check(z.minLength(1), z.maxLength(4096))),
});

function shippedEntry(type: string) {
  try {
    return catalogEntry(type);
  } catch {
    throw new BadRequestError(`unknown job type "${type}" (known: ${jobCatalog.map((e) => e.type).join(', ')})`);
  }
}

/**
 * POST /jobs: records a run and starts it; 202 with the run, or 200 with the run that already
 * covers the period. With an `Idempotency-Key` header, a repeat of the same request (same token,
 * same body) answers 200 with the first request's run instead of starting another; the same key
 * with another body is a 422.
 */
export const postJob: RouteHandler = async (request, context) => {
  const { deps } = context;
  // The parsed body, defaults filled in: requests that mean the same are the same request.
  const body = parse(submitJobBody, jsonBody(request), 'body');
  const entry = shippedEntry(body.type);
  const triggeredBy = request.principal?.name ?? 'api';
  const submit = async () => {
    const submitted = await submitRun(deps, {
      entry,
      trigger: 'api',
      triggeredBy,
      params: body.params,
      force: body.force,
      ...(body.period !== undefined ? { period: body.period } : {}),
    });
    deps.logger.info('manual trigger', { audit: true, principal: triggeredBy, jobId: submitted.job.id, type: entry.type, period: body.period, force: body.force });
    return { value: submitted, result: submitted.job.id };
  };

  const key = idempotencyKeyOf(request);
  if (key === undefined) return answerSubmit((await submit()).value);
  const outcome = await oncePerKey(context.idempotency, deps.clock, { scope: 'jobs', principal: triggeredBy, key, body }, submit);
  if (!outcome.replayed) return answerSubmit(outcome.value);
  const job = await deps.ledger.get(outcome.result);
  if (!job) throw new NotFoundError(`the run of this Idempotency-Key (${outcome.result}) no longer exists; use a new key`);
  return { status: 200, body: { job }, headers: { location: `/jobs/${job.id}`, 'idempotent-replayed': 'true' } };
};

function answerSubmit(result: SubmitResult): ApiResponse {
  if (result.outcome === 'skipped') {
    return { status: 200, body: { job: result.job, existingJobId: result.existingJobId }, headers: { location: `/jobs/${result.existingJobId}` } };
  }
  return { status: 202, body: { job: result.job }, headers: { location: `/jobs/${result.job.id}` } };
}

/**
 * POST /jobs/backfill: one run per period of the range (at most 400), skipping periods already
 * done unless `onlyMissing: false`; 202 with what was queued and what was skipped, and why.
 */
export const postBackfill: RouteHandler = async (request, { deps }) => {
  const body = parse(backfillBody, jsonBody(request), 'body');
  const entry = shippedEntry(body.type);
  const triggeredBy = request.principal?.name ?? 'api';
  const result = await backfill(deps, { entry, from: body.from, to: body.to, onlyMissing: body.onlyMissing, triggeredBy });
  deps.logger.info('backfill', { audit: true, principal: triggeredBy, type: entry.type, from: result.from, to: result.to, queued: result.queued.length, skipped: result.skipped.length });
  return { status: 202, body: result };
};

/** GET /jobs: newest first, through the type or status index, with an opaque cursor. */
export const listJobs: RouteHandler = async (request, { deps }) => {
  const query = parse(listJobsQuery, request.query, 'query');
  if (query.type !== undefined) shippedEntry(query.type);
  if (query.since && query.until && query.since > query.until) throw new BadRequestError('query: since is after until');
  const page = await deps.ledger.list({
    limit: query.limit,
    ...(query.type ? { type: catalogEntry(query.type).type } : {}),
    ...(query.status ? { status: query.status } : {}),
    ...(query.since ? { since: new Date(query.since).toISOString() } : {}),
    ...(query.until ? { until: new Date(query.until).toISOString() } : {}),
    ...(query.cursor ? { cursor: query.cursor } : {}),
  });
  return { status: 200, body: { items: page.items, nextCursor: page.nextCursor ?? null } };
};

/** GET /jobs/{id}: the record, with a short-lived download link per artifact. */
export const getJob: RouteHandler = async (request, context) => {
  const job = await findJob(request.pathParameters['id'] ?? '', context);
  const artifacts = await Promise.all(
    job.artifacts.map(async (artifact) => ({ ...artifact, url: await context.deps.artifacts.presignGet(artifact.key, PRESIGNED_URL_SECONDS) })),
  );
  return { status: 200, body: { ...job, artifacts } };
};

export async function findJob(id: string, { deps }: ApiContext): Promise<JobRecord> {
  const job = ULID.test(id) ? await deps.ledger.get(id) : undefined;
  if (!job) throw new NotFoundError(`no job with id ${JSON.stringify(id.slice(0, 64))}`);
  return job;
}

/** POST /jobs/{id}/release: publishes a held run's quarantined output to its normal key, recording who released it. */
export const postRelease: RouteHandler = async (request, context) => {
  const job = await findJob(request.pathParameters['id'] ?? '', context);
  const releasedBy = request.principal?.name ?? 'api';
  const { publishReleased } = catalogEntry(job.type);
  const publish = publishReleased && ((released: { key: string; text: string }) => publishReleased(released, { config: context.deps.config, snapshots: context.snapshots }));
  const released = await releaseHeldRun(context.deps, job, releasedBy, publish);
  context.deps.logger.info('held run released', { audit: true, principal: releasedBy, jobId: job.id, type: job.type });
  return { status: 200, body: released };
};
