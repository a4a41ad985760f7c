import { lambdaApiHandler } from '../runtime/edge';
import { lambdaInvoker } from '../runtime/wiring/lambda-invoker';
import { s3Artifacts } from '../runtime/wiring/s3-artifacts';
import { sqsDelayQueue } from '../runtime/wiring/sqs-delay-queue';
import { apiHandler, type ApiContext, type RouteHandler } from './http';
import type { Logger } from '../core/jobs/logger';
import { routeSpecs, type RouteKey } from './route-specs';
import { getHealth, getTypeHealth } from './routes/health';
import { getOpenApi } from './routes/openapi';
import { getJob, listJobs, postBackfill, postJob, postRelease } from './routes/jobs';
import { listSnapshots } from './routes/snapshots';
import { triggerSchedule } from './routes/scheduler';
import { listSchedulerTasks } from './routes/scheduler-tasks';
import { listScheduleSlots } from './routes/schedule-slots';
import { postEvents } from './routes/events';
import { getStats } from './routes/stats';
import { triggerRollup } from './routes/internal';
import { getJobLogs, listScripts } from './routes/scripts';
import { getProof, listProofs } from './routes/proofs';
import { listAnnotations, postAnnotation } from './routes/annotations';
import { getConsoleAsset, getConsolePage } from './routes/console';
import { getMe, listMetrics } from './routes/session';

const routeHandlers: Record<RouteKey, RouteHandler> = {
  'GET /health': getHealth,
  'GET /health/{type}': getTypeHealth,
  'GET /openapi.json': getOpenApi,
  'GET /console': getConsolePage,
  'GET /console/assets/{file}': getConsoleAsset,
  'GET /me': getMe,
  'GET /metrics': listMetrics,
  'POST /jobs': postJob,
  'GET /jobs': listJobs,
  'POST /jobs/backfill': postBackfill,
  'GET /scheduler/tasks': listSchedulerTasks,
  'GET /scheduler/tasks/{name}/slots': listScheduleSlots,
  'POST /scheduler/trigger/{type}': triggerSchedule,
  'GET /snapshots': listSnapshots,
  'GET /jobs/{id}': getJob,
  'GET /jobs/{id}/logs': getJobLogs,
  'POST /jobs/{id}/release': postRelease,
  'GET /scripts': listScripts,
  'POST /events': postEvents,
  'GET /stats': getStats,
  'GET /proofs': listProofs,
  'GET /proofs/{date}': getProof,
  'GET /annotations': listAnnotations,
  'POST /annotations': postAnnotation,
  'POST /internal/rollup/trigger': triggerRollup,
};

/**
 * The API function over a context (the composition root's, or a test's): one router over
 * `routeSpecs`; every answer, errors included, is JSON. The context is asked for on each
 * request, so a context that cannot be built is a JSON 500 too.
 */
export function makeApiHandler(context: () => ApiContext, logger: Logger) {
  return apiHandler(
    routeSpecs.map((spec) => ({ spec, handle: routeHandlers[`${spec.method} ${spec.path}` as RouteKey] })),
    context,
    logger,
  );
}

/** The API function's Lambda handler: the context built once per container from its environment. */
export const handler = lambdaApiHandler(makeApiHandler, { s3: s3Artifacts, lambda: lambdaInvoker, sqs: sqsDelayQueue });
