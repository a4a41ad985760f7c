import middy from '@middy/core';
import httpRouterHandler from '@middy/http-router';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { runtime } from '../adapters/runtime';
import { DynamoDbIdempotencyStore } from '../adapters/dynamodb/idempotency-store';
import { DynamoDbRollupStore } from '../adapters/dynamodb/rollup-store';
import { tokensFromEnvironment } from './auth';
import { adaptRoute, errorResult, toResult, type ApiContext, type RouteHandler } from './http';
import { OutcomeUnknownError } from './errors';
import { createLogger } from '../adapters/logger';
import type { Logger } from '../core/jobs/logger';
import { routeSpecs, type RouteKey } from './route-specs';
import { getHealth, getTypeHealth } from './routes/health';
import { getOpenApi } from './routes/openapi';
import { getJob, listJobs, postBackfill, postJob } from './routes/jobs';
import { listSnapshots } from './routes/snapshots';
import { triggerSchedule } from './routes/scheduler';
import { listSchedulerTasks } from './routes/scheduler-tasks';
import { postEvents } from './routes/events';
import { getStats } from './routes/stats';
import { triggerRollup } from './routes/internal';
import { getJobLogs, listScripts } from './routes/scripts';
import { getProof, listProofs } from './routes/proofs';
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
  'POST /scheduler/trigger/{type}': triggerSchedule,
  'GET /snapshots': listSnapshots,
  'GET /jobs/{id}': getJob,
  'GET /jobs/{id}/logs': getJobLogs,
  'GET /scripts': listScripts,
  'POST /events': postEvents,
  'GET /stats': getStats,
  'GET /proofs': listProofs,
  'GET /proofs/{date}': getProof,
  'POST /internal/rollup/trigger': triggerRollup,
};

let context: ApiContext | undefined;
function apiContext(): ApiContext {
  if (!context) {
    const { env, deps, documentClient } = runtime();
    context = {
      deps,
      idempotency: new DynamoDbIdempotencyStore(documentClient, env.jobsTable),
      rollup: new DynamoDbRollupStore(documentClient, env.analyticsTable, deps.artifacts),
      deployedAt: env.deployedAt,
      version: env.version,
      tokens: tokensFromEnvironment(process.env),
      testEndpoints: env.enableTestEndpoints,
    };
  }
  return context;
}

/** Forgets tokens and dependencies read from the environment (the local cloud and tests change it). */
export function resetApiContext(): void {
  context = undefined;
}

const router = httpRouterHandler<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2>({
  routes: routeSpecs.map((spec) => ({
    method: spec.method,
    path: spec.path,
    handler: adaptRoute(spec, routeHandlers[`${spec.method} ${spec.path}` as RouteKey], apiContext),
  })),
  notFoundResponse: ({ method, path }) => {
    throw Object.assign(new Error(`no route ${method} ${path}`), { statusCode: 404 });
  },
});

/**
 * The API answers this long before its function's time runs out (API Gateway waits at most 30 s),
 * so a slow store gets an answer that says the outcome is unknown rather than a gateway error.
 */
const ANSWER_BEFORE_TIMEOUT_MS = 1_000;

/** The API function: one router over `routeSpecs`; every answer, errors included, is JSON. */
export const handler = middy<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2>(router, { timeoutEarlyInMillis: ANSWER_BEFORE_TIMEOUT_MS }).onError((request) => {
  const route = { method: request.event.requestContext.http.method, path: request.event.rawPath };
  const error = request.error;
  if ((error as { statusCode?: number } | null)?.statusCode === 404) {
    request.response = toResult({ status: 404, body: { error: { code: 'route_not_found', message: error?.message ?? 'no such route' } } });
    return;
  }
  // middy's own deadline: the route is still at work, and what it did so far may stand.
  const timedOut = error?.name === 'TimeoutError' && (error.cause as { package?: string } | undefined)?.package === '@middy/core';
  const seconds = Math.round((Date.now() - request.event.requestContext.timeEpoch) / 1000);
  request.response = errorResult(timedOut ? new OutcomeUnknownError(route.method, route.path, seconds) : error, errorLogger(), route);
});

/** The runtime's logger, or a fresh one when the runtime itself could not be built (a broken environment). */
function errorLogger(): Logger {
  try {
    return apiContext().deps.logger;
  } catch {
    return createLogger();
  }
}
