import { gunzipSync } from 'node:zlib';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { handler, resetApiContext } from '../../functions/api/handler';
import { resetRuntime } from '../../functions/runtime/runtime';
import type { NightshiftConfig } from '../../functions/core/config';
import { routeContracts } from '../../functions/api/contract/route-contracts';
import { errorBody } from '../../functions/api/contract/responses';
import type { RouteKey } from '../../functions/api/route-specs';
import type { TestStorage } from './storage';

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

/** One request through the API function, as Lambda would run it. */
export async function callApi(method: string, rawPath: string, call: ApiCall = {}): Promise<ApiAnswer> {
  const result = (await handler(apiEvent(method, rawPath, call), {} as Context)) as APIGatewayProxyStructuredResultV2;
  const headers = (result.headers ?? {}) as Record<string, string>;
  const raw = result.body && result.isBase64Encoded ? Buffer.from(result.body, 'base64') : result.body ? Buffer.from(result.body, 'utf8') : undefined;
  const text = raw && headers['content-encoding'] === 'gzip' ? gunzipSync(raw).toString('utf8') : raw?.toString('utf8');
  const json = (headers['content-type'] ?? '').startsWith('application/json');
  return { status: result.statusCode ?? 0, headers, body: text === undefined ? undefined : json ? JSON.parse(text) : text };
}

export const TEST_TOKENS = { admin: 'ingest-test-admin-3f1a', read: 'ingest-test-read-9b2c', ingest: 'ingest-test-ingest-77d0' } as const;

/**
 * Points the API (and everything built from the runtime) at the test's own tables and bucket,
 * with the in-process invoker and the three test tokens. Returns a function that restores the
 * environment as it was.
 */
export function useApiEnvironment(storage: TestStorage, config: NightshiftConfig, extra: Record<string, string | undefined> = {}): () => void {
  const values: Record<string, string | undefined> = {
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
    NIGHTSHIFT_DELAY_QUEUE_URL: undefined,
    ENABLE_TEST_ENDPOINTS: undefined,
    ...extra,
  };
  const saved = Object.fromEntries(Object.keys(values).map((key) => [key, process.env[key]]));
  const apply = (entries: Record<string, string | undefined>): void => {
    for (const [key, value] of Object.entries(entries)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
    resetRuntime();
    resetApiContext();
  };
  apply(values);
  return () => apply(saved);
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
