import { runtime } from '../runtime/runtime';
import { DynamoDbIdempotencyStore } from '../adapters/dynamodb/idempotency-store';
import { DynamoDbRollupStore } from '../adapters/dynamodb/rollup-store';
import { tokensFromEnvironment } from './auth';
import { apiHandler, type ApiContext, type RouteHandler } from './http';
import { createLogger } from '../adapters/logger';
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

/** The API function: one router over `routeSpecs`; every answer, errors included, is JSON. */
export const handler = apiHandler(
  routeSpecs.map((spec) => ({ spec, handle: routeHandlers[`${spec.method} ${spec.path}` as RouteKey] })),
  apiContext,
  createLogger(),
);
