import middy from '@middy/core';
import httpRouterHandler from '@middy/http-router';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { describeCause, describeError, errorFields } from '../core/errors';
import type { IdempotencyStore } from '../core/jobs/idempotency';
import type { JobDefinition, JobDependencies } from '../core/jobs/definition';
import type { Logger } from '../core/jobs/logger';
import type { RollupStore } from '../core/rollup/ports';
import type { SnapshotStore } from '../core/snapshots/ports';
import type { AnnotationStore } from '../core/calendar/ports';
import type { ProofIndex } from '../core/proofs/ports';
import type { ConsoleAssets } from './console/console-assets';
import type { RollupParams } from '../jobs/rollup/params';
import { authenticate, principalFromAuthorizer, requireScope, type Principal, type TokenEntry } from './auth';
import { BadRequestError, httpStatusOf, NotFoundError, OutcomeUnknownError, PayloadTooLargeError, safeRetryAdvice } from './errors';
import { MAX_CONTROL_BODY_BYTES, type RouteSpec } from './route-specs';

/** API Gateway's own payload limit; the local adapter enforces the same. */
/** The largest body any route takes (events; API Gateway's own limit is 10 MB): the local adapter stops reading past it. */
export const MAX_BODY_BYTES = 10 * 1024 * 1024;

export interface ApiRequest {
  method: string;
  path: string;
  pathParameters: Readonly<Record<string, string>>;
  query: Readonly<Record<string, string>>;
  /** Header names in lower case. */
  headers: Readonly<Record<string, string>>;
  body: string | undefined;
  principal: Principal | undefined;
}

export interface ApiResponse {
  status: number;
  /** Sent as JSON. */
  body?: unknown;
  /** Sent as is (base64 on the way to API Gateway), with the content type from `headers`: the console's files. */
  bytes?: Buffer;
  headers?: Record<string, string>;
}

/**
 * What the test-only routes run (POST /internal/rollup/trigger: a rollup in the request, over the
 * runtime's rollup store). Only the local cloud and the tests build it (`functions/job-runs.ts`):
 * the Lambda API is built without it, so its bundle carries no job's run.
 */
export interface TestEndpoints {
  rollup: JobDefinition<RollupParams>;
}

export interface ApiContext {
  deps: JobDependencies;
  deployedAt: Date;
  version: string;
  tokens: readonly TokenEntry[];
  /** ENABLE_TEST_ENDPOINTS=true: the /internal/* routes' work (absent, they answer 403). */
  testEndpoints?: TestEndpoints;
  /** `Idempotency-Key` memory for POST /jobs. */
  idempotency: IdempotencyStore;
  /** The rollup's items: ingest marks the hours it wrote; /stats reads stats and what is not counted yet. */
  rollup: RollupStore;
  snapshots: SnapshotStore;
  proofs: ProofIndex;
  annotations: AnnotationStore;
  /** The built web console, read on first use; undefined when this deployment has none. */
  console: ConsoleFiles;
}

/** Where the console's files are, and the files themselves, read once. */
export interface ConsoleFiles {
  directory: string;
  assets(): ConsoleAssets | undefined;
}

/** The 2.0 event as API Gateway sends it when a Lambda authorizer (simple response) ran first. */
type ApiGatewayEvent = APIGatewayProxyEventV2 & {
  requestContext: { authorizer?: { lambda?: Readonly<Record<string, unknown>> } };
};

export type RouteHandler = (request: ApiRequest, context: ApiContext) => Promise<ApiResponse>;

export interface Route {
  spec: RouteSpec;
  handle: RouteHandler;
}

/**
 * The API answers this long before its function's time runs out (API Gateway waits at most 30 s),
 * so a slow store gets an answer that says the outcome is unknown rather than a gateway error.
 */
const ANSWER_BEFORE_TIMEOUT_MS = 1_000;

/** The route each event matched, for the error answer (its path template, not the raw path). */
const matchedRoutes = new WeakMap<ApiGatewayEvent, RouteSpec>();

/**
 * The API function over these routes: one router, and one `onError` that turns anything thrown
 * (by a route, its scope check, the router's own 404, building the context, or middy's own
 * deadline) into the JSON error answer, with the status from `api/errors.ts`.
 */
export function apiHandler(routes: readonly Route[], context: () => ApiContext, logger: Logger) {
  const router = httpRouterHandler<ApiGatewayEvent, APIGatewayProxyStructuredResultV2>({
    routes: routes.map(({ spec, handle }) => ({ method: spec.method, path: spec.path, handler: adaptRoute(spec, handle, context) })),
    notFoundResponse: ({ method, path }) => {
      throw new NotFoundError(`no route ${method} ${path}`, 'route_not_found');
    },
  });
  return middy<ApiGatewayEvent, APIGatewayProxyStructuredResultV2>(router, { timeoutEarlyInMillis: ANSWER_BEFORE_TIMEOUT_MS }).onError((request) => {
    const route = matchedRoutes.get(request.event) ?? { method: request.event.requestContext.http.method, path: request.event.rawPath };
    const error = request.error;
    // middy's own deadline: the route is still at work, and what it did so far may stand.
    const timedOut = error?.name === 'TimeoutError' && (error.cause as { package?: string } | undefined)?.package === '@middy/core';
    const seconds = Math.round((Date.now() - request.event.requestContext.timeEpoch) / 1000);
    request.response = errorResult(timedOut ? new OutcomeUnknownError(route.method, route.path, seconds) : error, logger, route);
  });
}

/** Wraps one route: parse the event, check the scope, run the handler, shape the answer. */
function adaptRoute(spec: RouteSpec, handle: RouteHandler, context: () => ApiContext) {
  return async (event: ApiGatewayEvent): Promise<APIGatewayProxyStructuredResultV2> => {
    matchedRoutes.set(event, spec);
    const ctx = context();
    const request = toRequest(event, spec.maxBodyBytes ?? MAX_CONTROL_BODY_BYTES);
    if (spec.scope !== 'none') {
      // In AWS the authorizer has authenticated the token; locally the function does it from
      // the env tokens. Either way the route's scope is checked here (the authorizer's answer
      // is cached per token, so it cannot know the route).
      const principal = principalFromAuthorizer(event.requestContext.authorizer?.lambda) ?? authenticate(request.headers['authorization'], ctx.tokens);
      requireScope(principal, spec.scope);
      request.principal = principal;
    }
    return toResult(await handle(request, ctx));
  };
}

function toRequest(event: APIGatewayProxyEventV2, maxBodyBytes: number): ApiRequest & { principal: Principal | undefined } {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(event.headers ?? {})) if (value !== undefined) headers[name.toLowerCase()] = value;
  let body = event.body;
  if (body !== undefined && event.isBase64Encoded) body = Buffer.from(body, 'base64').toString('utf8');
  if (body !== undefined && Buffer.byteLength(body, 'utf8') > maxBodyBytes) throw new PayloadTooLargeError(maxBodyBytes);
  const query: Record<string, string> = {};
  for (const [name, value] of Object.entries(event.queryStringParameters ?? {})) if (value !== undefined) query[name] = value;
  const pathParameters: Record<string, string> = {};
  for (const [name, value] of Object.entries(event.pathParameters ?? {})) if (value !== undefined) pathParameters[name] = decodePathParameter(name, value);
  return {
    method: event.requestContext.http.method,
    path: event.rawPath,
    pathParameters,
    query,
    headers,
    body,
    principal: undefined,
  };
}

function decodePathParameter(name: string, value: string): string {
  try {
    return decodeURIComponent(value);
  } catch (error) {
    throw new BadRequestError(`path parameter ${name} is not valid percent-encoding`, { cause: error });
  }
}

/** Parses a JSON body; a malformed one is a 400 that says where it broke. */
export function jsonBody(request: ApiRequest): unknown {
  if (request.body === undefined || request.body.trim() === '') throw new BadRequestError('a JSON body is required');
  try {
    return JSON.parse(request.body);
  } catch (error) {
    throw new BadRequestError(`the body is not valid JSON: ${(error as Error).message}`, { cause: error });
  }
}

export function toResult(response: ApiResponse): APIGatewayProxyStructuredResultV2 {
  if (response.bytes !== undefined) {
    return { statusCode: response.status, headers: { ...response.headers }, body: response.bytes.toString('base64'), isBase64Encoded: true };
  }
  return {
    statusCode: response.status,
    headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', ...response.headers },
    ...(response.body !== undefined ? { body: JSON.stringify(response.body) } : {}),
  };
}

/**
 * The one mapping from a thrown error to an answer. A 5xx of a request that changes something
 * never claims the request failed: it may have taken effect in part, and the message says how
 * to retry safely.
 */
function errorResult(error: unknown, logger: Logger, route: { method: string; path: string }): APIGatewayProxyStructuredResultV2 {
  const status = httpStatusOf(error);
  if (status >= 500) logger.error('request failed', { where: `${route.method} ${route.path}`, ...errorFields(error), status, cause: describeCause(error) });
  const described = status === 500 ? { code: 'internal_error', message: 'the server failed (the error is logged)' } : describeError(error);
  const body =
    status >= 500 && route.method !== 'GET' && !(error instanceof OutcomeUnknownError)
      ? { code: described.code, message: `${described.message}; the request may have taken effect in part. ${safeRetryAdvice(route.method, route.path)}` }
      : described;
  return toResult({ status, body: { error: body } });
}
