import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../../functions/core/config';
import { apiEvent, testApi, type TestApi, type ApiCall } from '../../helpers/api';
import { HandlerInvoker } from '../../helpers/invokers';
import { createTestStorage, type TestStorage } from '../../helpers/storage';

/** One request through the API function as API Gateway sends it after the authorizer said `lambda`. */
async function callBehindAuthorizer(method: string, path: string, lambda: Record<string, string>, call: ApiCall = {}) {
  const event = apiEvent(method, path, call);
  const authorized = { ...event, requestContext: { ...event.requestContext, authorizer: { lambda } } } as APIGatewayProxyEventV2;
  const result = (await api.handler(authorized, {} as Context)) as APIGatewayProxyStructuredResultV2;
  return { status: result.statusCode ?? 0, body: result.body ? JSON.parse(result.body) : undefined };
}

/** The API function under test, built in the suite's beforeAll. */
let api: TestApi;

describe('API function behind the authorizer (whole handler, local storage)', () => {
  let storage: TestStorage;
  const invoker = new HandlerInvoker();

  beforeAll(async () => {
    storage = await createTestStorage('authorizer-principal');
    // No env tokens at all, as in AWS: only the authorizer context can let a request in.
    api = testApi(storage, parseConfig({ timezone: 'UTC' }), {
      invoker,
      variables: { NIGHTSHIFT_ADMIN_TOKEN: undefined, NIGHTSHIFT_READ_TOKEN: undefined, NIGHTSHIFT_INGEST_TOKEN: undefined },
    });
  });

  afterAll(async () => {
    await storage.destroy();
  });

  it('records the token name from the authorizer as triggeredBy', async () => {
    // Act
    const answer = await callBehindAuthorizer('POST', '/jobs', { name: 'ci-admin', scopes: 'admin,read,ingest', problem: '' }, { body: { type: 'sweeper' } });

    // Assess
    expect(answer.status).toBe(202);
    expect(answer.body.job.triggeredBy).toBe('ci-admin');
    expect(invoker.invocations.map((invocation) => invocation.triggeredBy)).toEqual(['ci-admin']);
  });

  it('answers 403 for too small a scope and 401 for an unknown token, in the API’s error shape', async () => {
    // Act
    const reader = await callBehindAuthorizer('POST', '/jobs', { name: 'dashboard', scopes: 'read', problem: '' }, { body: { type: 'sweeper' } });
    const unknown = await callBehindAuthorizer('GET', '/jobs', { name: '', scopes: '', problem: 'unknown_token' });
    const readerList = await callBehindAuthorizer('GET', '/jobs', { name: 'dashboard', scopes: 'read', problem: '' });

    // Assess
    expect(reader).toEqual({ status: 403, body: { error: { code: 'forbidden', message: 'token "dashboard" lacks the admin scope' } } });
    expect(unknown).toEqual({ status: 401, body: { error: { code: 'unauthorized', message: 'unknown token' } } });
    expect(readerList.status).toBe(200);
  });

  it('lets nothing in without an authorizer context when no env tokens exist, forged headers or not', async () => {
    // Act
    const forged = await api.handler(apiEvent('GET', '/jobs', { token: 'anything', headers: { 'x-nightshift-principal': 'ci-admin' } }), {} as Context);

    // Assess
    expect((forged as APIGatewayProxyStructuredResultV2).statusCode).toBe(401);
  });
});
