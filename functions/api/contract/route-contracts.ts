import * as z from 'zod/mini';
import '../../core/zod-mini-english';
import { rollupRequestParams } from '../../jobs/rollup/params';
import type { RouteKey } from '../route-specs';
import { backfillBody as backfillRequest, listJobsQuery, submitJobBody } from '../routes/jobs';
import { listProofsQuery, proofDate } from '../routes/proofs';
import { annotationBody, listAnnotationsQuery } from '../routes/annotations';
import { triggerScheduleBody } from '../routes/scheduler';
import { schedulerTasksQuery } from '../routes/scheduler-tasks';
import { scheduleSlotsQuery } from '../routes/schedule-slots';
import { snapshotsQuery } from '../routes/snapshots';
import { statsQuery } from '../routes/stats';
import * as answers from './responses';

export interface ResponseContract {
  description: string;
  schema?: z.ZodMiniType;
  /** Default `application/json`. */
  contentType?: string;
  headers?: Record<string, string>;
}

export interface RouteContract {
  /** Path parameters (`{id}`), each validated by the route. */
  path?: Record<string, z.ZodMiniType>;
  query?: z.ZodMiniType;
  /** Request headers the route reads (name → what it does); all optional. */
  requestHeaders?: Record<string, string>;
  body?: { schema: z.ZodMiniType; required: boolean; description?: string; alternatives?: Record<string, { schema: z.ZodMiniType; description: string }> };
  /** Besides 400 (bad input), 401 and 403 (auth; scoped routes), 500, 503 and 504, which every route may answer. */
  responses: Record<number, ResponseContract>;
}

const jobId = z.string().check(z.regex(/^[0-9A-HJKMNP-TV-Z]{26}$/), z.describe('a run id (ULID)'));
const location = { location: 'the run: /jobs/{id}' };
const replayed = { 'idempotent-replayed': '`true` when this answers a repeat of an earlier request with the same Idempotency-Key' };
const idempotencyKey = (what: string) => ({
  'Idempotency-Key': `1 to 255 printable ASCII characters, unique per request (a UUID): ${what}. Kept 24 hours, per token.`,
});

/** What an event looks like on the way in; each one is checked on its own (bad ones are listed, not fatal). */
const metricEvent = z.strictObject({
  metric: z.string().check(z.regex(/^[a-z][a-z0-9_]{0,62}$/), z.describe('a configured metric')),
  ts: z.string().check(z.describe('ISO-8601 with an offset (Z or ±hh:mm)')),
  value: z.optional(z.number()).check(z.describe('finite; default 1')),
  dims: z.optional(z.record(z.string(), z.string().check(z.maxLength(256)))).check(z.describe('at most 10; only configured dimensions are kept')),
}).check(z.meta({ id: 'MetricEvent' }));

/**
 * Every route's input and answers. Keyed by the route table's keys, so a route without a
 * contract does not compile; the input schemas are the ones the routes validate with.
 */
export const routeContracts: Record<RouteKey, RouteContract> = {
  'GET /health': {
    responses: { 200: { description: 'every job type is healthy', schema: answers.healthBody }, 503: { description: 'a scheduled job type is stale', schema: answers.healthBody } },
  },
  'GET /health/{type}': {
    path: { type: z.string().check(z.describe('a job type')) },
    responses: {
      200: { description: 'healthy', schema: answers.typeHealthBody },
      503: { description: 'stale: no success within twice its interval', schema: answers.typeHealthBody },
      404: { description: 'no such job type', schema: answers.errorBody },
    },
  },
  'GET /openapi.json': {
    responses: { 200: { description: 'this document', schema: answers.openApiDocument } },
  },
  'GET /console': {
    responses: {
      200: { description: 'the console page, with a Content-Security-Policy', schema: answers.consoleFile, contentType: 'text/html' },
      308: { description: 'asked as `/console/`: the page is at `/console` (its asset links are relative to it)', headers: { location: '`../console`' } },
      404: { description: 'this deployment has no built console', schema: answers.errorBody },
    },
  },
  'GET /console/assets/{file}': {
    path: { file: z.string().check(z.regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/), z.describe('a file name the page refers to')) },
    responses: {
      200: { description: 'the script or style sheet (content-hashed name, cached for a year)', schema: answers.consoleFile, contentType: 'text/javascript' },
      404: { description: 'no such console file', schema: answers.errorBody },
    },
  },
  'GET /me': { responses: { 200: { description: 'who the token is', schema: answers.meBody } } },
  'GET /metrics': { responses: { 200: { description: 'what the config declares', schema: answers.metricsBody } } },
  'POST /jobs': {
    requestHeaders: idempotencyKey('a repeat of the same request answers with the run the first one started instead of starting another'),
    body: { schema: submitJobBody, required: true },
    responses: {
      202: { description: 'recorded and started', schema: answers.submittedJob, headers: location },
      200: { description: 'the period is already covered (the new record is `skipped`), or a replay of the same Idempotency-Key', schema: answers.submittedJob, headers: { ...location, ...replayed } },
      409: { description: 'a forced run while the period\'s run is active, or a repeat racing its Idempotency-Key', schema: answers.errorBody },
      422: { description: 'the Idempotency-Key was used with another body', schema: answers.errorBody },
    },
  },
  'GET /jobs': { query: listJobsQuery, responses: { 200: { description: 'runs, newest first', schema: answers.jobPage } } },
  'POST /jobs/backfill': {
    body: { schema: backfillRequest, required: true },
    responses: { 202: { description: 'what was queued and what was skipped, and why', schema: answers.backfillBody } },
  },
  'GET /scheduler/tasks': { query: schedulerTasksQuery, responses: { 200: { description: 'every schedule', schema: answers.schedulerTasksBody } } },
  'GET /scheduler/tasks/{name}/slots': {
    path: { name: z.string().check(z.describe("the schedule's name")) },
    query: scheduleSlotsQuery,
    responses: {
      200: { description: 'the slots, oldest first, each with its fate', schema: answers.scheduleSlotsBody },
      400: { description: 'from not before to, a range over 31 days, or over 2000 slots', schema: answers.errorBody },
      404: { description: 'no schedule of that name', schema: answers.errorBody },
    },
  },
  'POST /scheduler/trigger/{type}': {
    path: { type: z.string().check(z.describe('daily, weekly, monthly, or a job type')) },
    body: { schema: triggerScheduleBody, required: false },
    responses: {
      202: { description: 'started', schema: answers.submittedJob, headers: location },
      200: { description: 'the period is already covered', schema: answers.submittedJob, headers: location },
      409: { description: 'a forced run while the period\'s run is active', schema: answers.errorBody },
    },
  },
  'GET /snapshots': { query: snapshotsQuery, responses: { 200: { description: 'snapshot items, oldest period first', schema: answers.snapshotsPage } } },
  'GET /jobs/{id}': {
    path: { id: jobId },
    responses: { 200: { description: 'the run, artifacts with presigned URLs', schema: answers.jobRecord }, 404: { description: 'no such run', schema: answers.errorBody } },
  },
  'POST /jobs/{id}/release': {
    path: { id: jobId },
    responses: {
      200: { description: 'released: the output is at its normal key, the run succeeded with releasedBy', schema: answers.jobRecord },
      404: { description: 'no such run', schema: answers.errorBody },
      409: { description: 'the run is not held', schema: answers.errorBody },
    },
  },
  'GET /jobs/{id}/logs': {
    path: { id: jobId },
    responses: { 200: { description: "a script run's stdout and stderr, or why there are none", schema: answers.logsBody }, 404: { description: 'no such run', schema: answers.errorBody } },
  },
  'GET /scripts': { responses: { 200: { description: 'the script whitelist with argument schemas', schema: answers.scriptsBody } } },
  'GET /proofs': { query: listProofsQuery, responses: { 200: { description: 'the proven days of the range', schema: answers.proofsPage } } },
  'GET /proofs/{date}': {
    path: { date: proofDate },
    responses: { 200: { description: "the day's proof artifact", schema: answers.proofDocument }, 404: { description: 'no proof for that day', schema: answers.errorBody } },
  },
  'POST /events': {
    requestHeaders: idempotencyKey('the events are stored at most once, in objects named after the key; a repeat of the same request answers as the first did'),
    body: {
      schema: z.strictObject({ events: z.array(metricEvent).check(z.maxLength(10_000)) }),
      required: true,
      description: 'JSON, or NDJSON (one event per line) with Content-Type application/x-ndjson',
      alternatives: { 'application/x-ndjson': { schema: z.string(), description: 'one MetricEvent per line' } },
    },
    responses: {
      202: { description: 'the valid events are stored (one object per UTC hour); the invalid ones are listed by index', schema: answers.eventsAccepted, headers: replayed },
      409: { description: 'a repeat of an Idempotency-Key whose first request is still at work: send it again in a few seconds', schema: answers.errorBody },
      413: { description: 'the body or the event count is over the limit', schema: answers.errorBody },
      422: { description: 'the Idempotency-Key was used with another body', schema: answers.errorBody },
    },
  },
  'GET /stats': { query: statsQuery, responses: { 200: { description: 'daily stats over local days', schema: answers.statsBody } } },
  'GET /annotations': { query: listAnnotationsQuery, responses: { 200: { description: 'annotations overlapping the days, oldest first, and the holidays on them', schema: answers.annotationsPage } } },
  'POST /annotations': {
    body: { schema: annotationBody, required: true },
    responses: { 201: { description: 'recorded: proofs made from now on read it', schema: answers.annotation } },
  },
  'POST /internal/rollup/trigger': {
    body: { schema: rollupRequestParams, required: false },
    responses: {
      200: { description: 'the rollup ran; its final record', schema: answers.rollupTriggered },
      403: { description: 'test endpoints are disabled (ENABLE_TEST_ENDPOINTS)', schema: answers.errorBody },
      409: { description: 'another rollup kept the lease', schema: answers.errorBody },
    },
  },
};
