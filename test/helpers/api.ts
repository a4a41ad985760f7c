import { gunzipSync } from 'node:zlib';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { makeApiHandler } from '../../functions/api/handler';
import { readEnvironment, type RuntimeEnvironment } from '../../functions/adapters/environment';
import { createLogger } from '../../functions/adapters/logger';
import { apiContextOf } from '../../functions/runtime/api-context';
import { testEndpointsOf } from '../../functions/job-runs';
import { buildRuntime, type Runtime } from '../../functions/runtime/runtime';
import { everyAwsAdapter } from '../../functions/runtime/wiring/every-adapter';
import type { NightshiftConfig } from '../../functions/core/config';
import type { Invoker, JobInvocation } from '../../functions/core/jobs/ports';
import { buildInProcessFunctions } from '../../infra/local/in-process-functions';
import type { InProcessInvoker, LaneSpec } from '../../infra/local/in-process-invoker';
import { realClock, type LocalClock } from '../../infra/local/simulated-clock';
import { RecordingInvoker } from './jobs';
import { routeContracts } from '../../functions/api/contract/route-contracts';
import { errorBody } from '../../functions/api/contract/responses';
import type { RouteKey } from '../../functions/api/route-specs';
import type { TestStorage } from './storage';
import { compileHolidayTable } from '../../infra/calendar/compile-holidays';

export interface ApiCall {
  token?: string;
  /** Sent as is; objects are JSON-encoded. */
  body?: string | object;
  contentType?: string;
  query?: Record<string, string>;
  pathParameters?: Record<string, string>;
  headers?: Record<string, string>;
}

export interface ApiAnswer {
  status: number;
  headers: Record<string, string>;
  body: any;
}

/** The event API Gateway (HTTP API, payload 2.0) gives the API function for one request. */
export function apiEvent(method: string, rawPath: string, call: ApiCall = {}): APIGatewayProxyEventV2 {
  const query = call.query ?? {};
  const rawQueryString = new URLSearchParams(query).toString();
  const body = call.body === undefined ? undefined : typeof call.body === 'string' ? call.body : JSON.stringify(call.body);
  const now = new Date();
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath,
    rawQueryString,
    headers: {
      host: 'api.example.test',
      'user-agent': 'vitest',
      ...(call.token ? { authorization: `Bearer ${call.token}` } : {}),
      ...(body !== undefined ? { 'content-type': call.contentType ?? 'application/json' } : {}),
      ...call.headers,
    },
    ...(rawQueryString ? { queryStringParameters: query } : {}),
    ...(call.pathParameters ? { pathParameters: call.pathParameters } : {}),
    requestContext: {
      accountId: '123456789012',
      apiId: 'api-test',
      domainName: 'api.example.test',
      domainPrefix: 'api',
      http: { method, path: rawPath, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'vitest' },
      requestId: `req-${now.getTime()}`,
      routeKey: '$default',
      stage: '$default',
      time: now.toUTCString(),
      timeEpoch: now.getTime(),
    },
    isBase64Encoded: false,
    ...(body !== undefined ? { body } : {}),
  };
}

type ApiFunction = ReturnType<typeof makeApiHandler>;

/** One request through an API function, as Lambda would run it. */
export async function callFunction(api: ApiFunction, method: string, rawPath: string, call: ApiCall = {}): Promise<ApiAnswer> {
  const result = (await api(apiEvent(method, rawPath, call), {} as Context)) as APIGatewayProxyStructuredResultV2;
  const headers = (result.headers ?? {}) as Record<string, string>;
  const raw = result.body && result.isBase64Encoded ? Buffer.from(result.body, 'base64') : result.body ? Buffer.from(result.body, 'utf8') : undefined;
  const text = raw && headers['content-encoding'] === 'gzip' ? gunzipSync(raw).toString('utf8') : raw?.toString('utf8');
  const json = (headers['content-type'] ?? '').startsWith('application/json');
  return { status: result.statusCode ?? 0, headers, body: text === undefined ? undefined : json ? JSON.parse(text) : text };
}

export const TEST_TOKENS = { admin: 'ingest-test-admin-3f1a', read: 'ingest-test-read-9b2c', ingest: 'ingest-test-ingest-77d0' } as const;

/**
 * The environment a function of the stack would get, pointing at the test's own tables and bucket,
 * with the in-process invoker and the three test tokens, through the runtime's own parser.
 * `variables` adds to it (ENABLE_TEST_ENDPOINTS, NIGHTSHIFT_CONSOLE_DIR, …) or leaves one out.
 */
export function testEnvironment(storage: TestStorage, config: NightshiftConfig, variables: Variables = {}): RuntimeEnvironment {
  const all: Variables = {
    JOBS_TABLE: storage.names.jobsTable,
    ANALYTICS_TABLE: storage.names.analyticsTable,
    ARTIFACTS_BUCKET: storage.names.bucket,
    AWS_REGION: 'us-east-1',
    NIGHTSHIFT_DYNAMODB_ENDPOINT: storage.dynamodbEndpoint,
    NIGHTSHIFT_S3_ENDPOINT: storage.s3Endpoint,
    NIGHTSHIFT_INVOKER: 'in-process',
    NIGHTSHIFT_CONFIG_JSON: JSON.stringify(config),
    NIGHTSHIFT_DEPLOYED_AT: new Date().toISOString(),
    NIGHTSHIFT_VERSION: '0.0.0-test',
    NIGHTSHIFT_ADMIN_TOKEN: TEST_TOKENS.admin,
    NIGHTSHIFT_READ_TOKEN: TEST_TOKENS.read,
    NIGHTSHIFT_INGEST_TOKEN: TEST_TOKENS.ingest,
    // Scripts find python3 where the test process does.
    ...(process.env['PATH'] ? { PATH: process.env['PATH'] } : {}),
    ...variables,
  };
  return readEnvironment(Object.fromEntries(Object.entries(all).filter((entry): entry is [string, string] => entry[1] !== undefined)));
}

/** Variables for a test's function; `undefined` leaves one out (no env tokens, as in AWS). */
type Variables = Record<string, string | undefined>;

/**
 * The composition root (buildRuntime, as in Lambda) on the test's tables and bucket. Invocations
 * go to `invoker` (by default one that only records them).
 */
export function testRuntime(storage: TestStorage, config: NightshiftConfig, options: { invoker?: Invoker; variables?: Variables } = {}): Runtime {
  const holidays = compileHolidayTable(config.calendar);
  return buildRuntime(testEnvironment(storage, config, options.variables), { adapters: everyAwsAdapter, invoker: options.invoker ?? new RecordingInvoker(), ...(holidays ? { holidays } : {}) });
}

export interface TestApi {
  /** One request through the API function, as Lambda would run it. */
  call(method: string, rawPath: string, call?: ApiCall): Promise<ApiAnswer>;
  /** The API function itself, for events a test shapes by hand. */
  handler: ApiFunction;
  /** The composition root the API runs on: its ledger, stores and clock. */
  runtime: Runtime;
}

/** The API function over a composition root of its own (`testRuntime`). */
export function testApi(storage: TestStorage, config: NightshiftConfig, options: { invoker?: Invoker; variables?: Variables } = {}): TestApi {
  const runtime = testRuntime(storage, config, options);
  const context = apiContextOf(runtime, testEndpointsOf);
  const api = makeApiHandler(() => context, createLogger());
  return { runtime, handler: api, call: (method, rawPath, call) => callFunction(api, method, rawPath, call) };
}

/**
 * Every function in this process, as the local cloud runs them: the API, and each job type's
 * handler behind the in-process invoker, so submitted runs really run. `lanes` replaces the
 * catalog's (a test's own script whitelist).
 */
export function testCloud(
  storage: TestStorage,
  config: NightshiftConfig,
  options: { onError?: (invocation: JobInvocation, error: unknown) => void; lanes?: (runtime: Runtime) => readonly LaneSpec[]; variables?: Variables; clock?: LocalClock } = {},
): TestApi & { invoker: InProcessInvoker } {
  const functions = buildInProcessFunctions(testEnvironment(storage, config, options.variables), {
    clock: options.clock ?? realClock,
    onError: options.onError ?? (() => undefined),
    ...(options.lanes ? { lanes: options.lanes } : {}),
  });
  return { runtime: functions.runtime, invoker: functions.invoker, handler: functions.api, call: (method, rawPath, call) => callFunction(functions.api, method, rawPath, call) };
}

/** The lines of a stored gzip NDJSON event object, parsed. */
export async function readEventObject(storage: TestStorage, key: string): Promise<Array<Record<string, unknown>>> {
  const chunks: Uint8Array[] = [];
  for await (const chunk of await storage.artifactStore.get(key)) chunks.push(chunk);
  const text = gunzipSync(Buffer.concat(chunks)).toString('utf8');
  return text
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

/** Every key under `events/`, sorted. */
export async function eventObjectKeys(storage: TestStorage): Promise<string[]> {
  const keys: string[] = [];
  for await (const object of storage.artifactStore.list('events/')) keys.push(object.key);
  return keys.sort();
}

/**
 * Checks an answer against the route's contract (the schemas the OpenAPI document is built
 * from): its status must be one the contract declares (or a 400/401/403 error), and its body
 * must parse. Returns the problems, empty when it conforms.
 */
export function contractProblems(routeKey: RouteKey, answer: ApiAnswer): string[] {
  const contract = routeContracts[routeKey];
  const declared = contract.responses[answer.status];
  const schema = declared?.schema ?? ([400, 401, 403, 413, 500, 503, 504].includes(answer.status) ? errorBody : undefined);
  if (!schema) return [`${routeKey}: status ${answer.status} is not in its contract (${Object.keys(contract.responses).join(', ')})`];
  const parsed = schema.safeParse(answer.body);
  return parsed.success ? [] : parsed.error.issues.map((issue) => `${routeKey} ${answer.status}: ${issue.path.join('.') || 'body'}: ${issue.message}`);
}
