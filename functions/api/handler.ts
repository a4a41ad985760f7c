import middy from '@middy/core';
import httpRouterHandler from '@middy/http-router';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { runtime } from '../runtime/runtime';
import { DynamoDbIdempotencyStore } from '../adapters/dynamodb/idempotency-store';
import { tokensFromEnvironment } from './auth';
import { adaptRoute, toResult, type ApiContext, type RouteHandler } from './http';
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

/** The API function: one router over `routeSpecs`; every answer, errors included, is JSON. */
export const handler = middy<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2>(router).onError((request) => {
  const status = (request.error as { statusCode?: number } | null)?.statusCode === 404 ? 404 : 500;
  const message = status === 404 ? request.error?.message ?? 'no such route' : 'the server failed; the error is logged';
  if (status === 500) console.error(JSON.stringify({ level: 'ERROR', message: 'unhandled API error', error: request.error?.message }));
  request.response = toResult({ status, body: { error: { code: status === 404 ? 'route_not_found' : 'internal_error', message } } });
});
