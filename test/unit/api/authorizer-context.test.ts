import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { tokenEntry, type Principal } from '../../../functions/api/auth';
import { apiHandler, type ApiContext, type ApiRequest } from '../../../functions/api/http';
import type { RouteSpec } from '../../../functions/api/route-specs';
import { silentLogger } from '../../../functions/core/jobs/logger';
import type { JobDependencies } from '../../../functions/core/jobs/definition';
import type { IdempotencyStore } from '../../../functions/core/jobs/idempotency';
import { apiEvent, type ApiCall } from '../../helpers/api';

const LOCAL_ADMIN_TOKEN = 'local-admin-token-51c9';
const postJobs: RouteSpec = { method: 'POST', path: '/jobs', scope: 'admin', summary: 'Start a run' };
const getJobs: RouteSpec = { method: 'GET', path: '/jobs', scope: 'read', summary: 'List runs' };

/** Only what the route wrapper reads: the env tokens of the local path. */
const context = {
  deps: { logger: silentLogger } as unknown as JobDependencies,
  deployedAt: new Date('2026-11-22T10:00:00Z'),
  version: '0.0.0-test',
  tokens: [tokenEntry('admin', LOCAL_ADMIN_TOKEN, 'admin')],
  idempotency: {} as IdempotencyStore,
  rollup: {} as ApiContext['rollup'],
  snapshots: {} as ApiContext['snapshots'],
  proofs: {} as ApiContext['proofs'],
  annotations: {} as ApiContext['annotations'],
  console: { directory: 'none', assets: () => undefined },
} satisfies ApiContext;

/** Runs one route; the handler answers with the principal it was given. */
async function call(spec: RouteSpec, event: APIGatewayProxyEventV2): Promise<{ status: number; body: any }> {
  const route = apiHandler([{ spec, handle: async (request: ApiRequest) => ({ status: 200, body: principalJson(request.principal) }) }], () => context, silentLogger);
  const result = (await route(event, {} as Context)) as APIGatewayProxyStructuredResultV2;
  return { status: result.statusCode ?? 0, body: result.body ? JSON.parse(result.body) : undefined };
}

function principalJson(principal: Principal | undefined): unknown {
  return principal ? { name: principal.name, scopes: [...principal.scopes].sort() } : null;
}

/** The event as API Gateway sends it after the Lambda authorizer answered with `lambda`. */
function authorizedEvent(method: string, path: string, lambda: Record<string, string>, call: ApiCall = {}): APIGatewayProxyEventV2 {
  const event = apiEvent(method, path, call);
  return { ...event, requestContext: { ...event.requestContext, authorizer: { lambda } } } as APIGatewayProxyEventV2;
}

describe('the API function behind the Lambda authorizer', () => {
  it('takes the principal from the authorizer context, not from the env tokens', async () => {
    // Prepare
    const event = authorizedEvent('POST', '/jobs', { name: 'ci-admin', scopes: 'admin,read,ingest', problem: '' }, { token: 'not-checked-again' });

    // Act
    const answer = await call(postJobs, event);

    // Assess
    expect(answer).toEqual({ status: 200, body: { name: 'ci-admin', scopes: ['admin', 'ingest', 'read'] } });
  });

  it('still enforces the route scope: a read token on an admin route is a 403', async () => {
    // Prepare
    const event = authorizedEvent('POST', '/jobs', { name: 'dashboard', scopes: 'read', problem: '' });

    // Act
    const forbidden = await call(postJobs, event);
    const allowed = await call(getJobs, authorizedEvent('GET', '/jobs', { name: 'dashboard', scopes: 'read', problem: '' }));

    // Assess
    expect(forbidden).toEqual({ status: 403, body: { error: { code: 'forbidden', message: 'token "dashboard" lacks the admin scope' } } });
    expect(allowed.status).toBe(200);
  });

  it('answers the API’s 401 for a token the authorizer did not know, even if it is a valid local token', async () => {
    // Prepare
    const unknown = authorizedEvent('GET', '/jobs', { name: '', scopes: '', problem: 'unknown_token' }, { token: LOCAL_ADMIN_TOKEN });
    const malformed = authorizedEvent('GET', '/jobs', { name: '', scopes: '', problem: 'malformed_header' });

    // Act
    const unknownAnswer = await call(getJobs, unknown);
    const malformedAnswer = await call(getJobs, malformed);

    // Assess
    expect(unknownAnswer).toEqual({ status: 401, body: { error: { code: 'unauthorized', message: 'unknown token' } } });
    expect(malformedAnswer.status).toBe(401);
    expect(malformedAnswer.body.error.message).toMatch(/Bearer/);
  });

  it('ignores scopes it does not know in the context', async () => {
    // Prepare
    const event = authorizedEvent('POST', '/jobs', { name: 'odd', scopes: 'read,root,none', problem: '' });

    // Act
    const answer = await call(postJobs, event);

    // Assess
    expect(answer.status).toBe(403);
  });
});

describe('the API function without an authorizer (local cloud, tests)', () => {
  it('authenticates the bearer token itself from the env tokens', async () => {
    // Act
    const answer = await call(postJobs, apiEvent('POST', '/jobs', { token: LOCAL_ADMIN_TOKEN }));

    // Assess
    expect(answer).toEqual({ status: 200, body: { name: 'admin', scopes: ['admin', 'ingest', 'read'] } });
  });

  it('is not fooled by headers that try to forge a principal', async () => {
    // Prepare
    const forged = apiEvent('POST', '/jobs', {
      headers: { 'x-nightshift-principal': 'admin', 'x-amzn-authorizer': '{"lambda":{"name":"admin","scopes":"admin"}}', authorizer: 'admin' },
    });
    const forgedWithReadToken = apiEvent('POST', '/jobs', { token: 'wrong', headers: { 'x-nightshift-principal': 'admin' } });

    // Act
    const withoutToken = await call(postJobs, forged);
    const withWrongToken = await call(postJobs, forgedWithReadToken);

    // Assess
    expect(withoutToken.status).toBe(401);
    expect(withWrongToken).toEqual({ status: 401, body: { error: { code: 'unauthorized', message: 'unknown token' } } });
  });
});
