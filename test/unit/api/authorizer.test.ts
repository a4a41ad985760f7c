import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { APIGatewayRequestAuthorizerEventV2 } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { makeAuthorizerHandler } from '../../../functions/api/authorizer';
import { readAuthorizerEnvironment } from '../../../functions/adapters/authorizer-environment';
import { InvalidEnvironmentError } from '../../../functions/adapters/environment-error';
import { buildAuthorizer } from '../../../functions/runtime/authorizer-edge';
import { createTokenAuthorizer } from '../../../functions/api/authorizer-core';
import { addToken, emptyTokenSecret, formatTokenSecret, generateToken } from '../../../functions/api/token-secret';
import type { Logger } from '../../../functions/core/jobs/logger';

const SECRET_ARN = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:Nightshift-tokens-AbCdEf';
const ADMIN_TOKEN = generateToken();
const READ_TOKEN = generateToken();
const secretText = formatTokenSecret(addToken(addToken(emptyTokenSecret, 'ops', ADMIN_TOKEN, ['admin']), 'dashboard', READ_TOKEN, ['read']));

function authorizerEvent(authorization: string): APIGatewayRequestAuthorizerEventV2 {
  return {
    version: '2.0',
    type: 'REQUEST',
    routeArn: 'arn:aws:execute-api:us-east-1:123456789012:api-id/$default/GET/jobs',
    identitySource: [authorization],
    routeKey: 'GET /jobs',
    rawPath: '/jobs',
    rawQueryString: '',
    cookies: [],
    headers: { authorization },
    requestContext: {
      accountId: '123456789012',
      apiId: 'api-id',
      domainName: 'api.example.test',
      domainPrefix: 'api',
      http: { method: 'GET', path: '/jobs', protocol: 'HTTP/1.1', sourceIp: '192.0.2.1', userAgent: 'vitest' },
      requestId: 'req-1',
      routeKey: 'GET /jobs',
      stage: '$default',
      time: new Date().toUTCString(),
      timeEpoch: Date.now(),
    },
  } as unknown as APIGatewayRequestAuthorizerEventV2;
}

describe('authorizer handler (Secrets Manager mocked)', () => {
  const secretsMock = mockClient(SecretsManagerClient);
  let handler: ReturnType<typeof makeAuthorizerHandler>;

  beforeEach(() => {
    // A fresh container: the environment the stack sets, through the authorizer's composition root.
    handler = makeAuthorizerHandler(buildAuthorizer(readAuthorizerEnvironment({ NIGHTSHIFT_TOKENS_SECRET_ARN: SECRET_ARN })));
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2026-11-22T10:00:00Z'));
  });

  afterEach(() => {
    vi.useRealTimers();
    secretsMock.reset();
  });

  it('authorizes a known token with its name and expanded scopes, reading the secret by ARN', async () => {
    // Prepare
    secretsMock.on(GetSecretValueCommand).resolves({ SecretString: secretText });

    // Act
    const admin = await handler(authorizerEvent(`Bearer ${ADMIN_TOKEN}`));
    const reader = await handler(authorizerEvent(`bearer ${READ_TOKEN}`));

    // Assess
    expect(admin).toEqual({ isAuthorized: true, context: { name: 'ops', scopes: 'admin,read,ingest', problem: '' } });
    expect(reader).toEqual({ isAuthorized: true, context: { name: 'dashboard', scopes: 'read', problem: '' } });
    expect(secretsMock.commandCalls(GetSecretValueCommand).map((call) => call.args[0].input)).toEqual([{ SecretId: SECRET_ARN }]);
  });

  it('lets unknown tokens and malformed headers through with no principal, so the API answers its own 401', async () => {
    // Prepare
    secretsMock.on(GetSecretValueCommand).resolves({ SecretString: secretText });

    // Act
    const unknown = await handler(authorizerEvent(`Bearer ${generateToken()}`));
    const basic = await handler(authorizerEvent('Basic dXNlcjpwYXNz'));

    // Assess
    expect(unknown).toEqual({ isAuthorized: true, context: { name: '', scopes: '', problem: 'unknown_token' } });
    expect(basic).toEqual({ isAuthorized: true, context: { name: '', scopes: '', problem: 'malformed_header' } });
  });

  it('keeps the secret for 60 s, then reads it again and sees a revoke', async () => {
    // Prepare
    secretsMock.on(GetSecretValueCommand).resolvesOnce({ SecretString: secretText }).resolves({ SecretString: formatTokenSecret(emptyTokenSecret) });
    await handler(authorizerEvent(`Bearer ${ADMIN_TOKEN}`));

    // Act
    vi.setSystemTime(new Date('2026-11-22T10:00:59Z'));
    const withinTtl = await handler(authorizerEvent(`Bearer ${ADMIN_TOKEN}`));
    vi.setSystemTime(new Date('2026-11-22T10:01:00Z'));
    const afterTtl = await handler(authorizerEvent(`Bearer ${ADMIN_TOKEN}`));

    // Assess
    expect(withinTtl.context?.name).toBe('ops');
    expect(afterTtl.context).toEqual({ name: '', scopes: '', problem: 'unknown_token' });
    expect(secretsMock.commandCalls(GetSecretValueCommand)).toHaveLength(2);
  });

  it('denies when Secrets Manager fails, and reads again on the next request', async () => {
    // Prepare
    secretsMock.on(GetSecretValueCommand).rejectsOnce(Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' })).resolves({ SecretString: secretText });

    // Act
    const during = await handler(authorizerEvent(`Bearer ${ADMIN_TOKEN}`));
    const after = await handler(authorizerEvent(`Bearer ${ADMIN_TOKEN}`));

    // Assess
    expect(during).toEqual({ isAuthorized: false });
    expect(after.context?.name).toBe('ops');
  });
});

describe('the authorizer environment', () => {
  it('names a missing or malformed secret ARN', () => {
    // Act
    const missing = () => readAuthorizerEnvironment({});
    const notAnArn = () => readAuthorizerEnvironment({ NIGHTSHIFT_TOKENS_SECRET_ARN: 'Nightshift-tokens' });

    // Assess
    expect(missing).toThrow(InvalidEnvironmentError);
    expect(missing).toThrow(/NIGHTSHIFT_TOKENS_SECRET_ARN: /);
    expect(notAnArn).toThrow('NIGHTSHIFT_TOKENS_SECRET_ARN: must be a Secrets Manager secret ARN');
  });
});

describe('createTokenAuthorizer', () => {
  it('logs a malformed secret with every problem and denies', async () => {
    // Prepare
    const errors: Array<{ message: string; extra: Record<string, unknown> | undefined }> = [];
    const logger: Logger = {
      debug: () => undefined,
      info: () => undefined,
      warn: () => undefined,
      error: (message, extra) => errors.push({ message, extra }),
      child: () => logger,
    };
    const malformed = JSON.stringify({ tokens: [{ name: 'ops', sha256: 'not-hex', scopes: ['admin'], token: ADMIN_TOKEN }] });
    const authorize = createTokenAuthorizer({ source: { readSecretText: async () => malformed }, now: () => 0, logger });

    // Act
    const result = await authorize(`Bearer ${ADMIN_TOKEN}`);

    // Assess
    expect(result).toEqual({ isAuthorized: false });
    expect(errors).toHaveLength(1);
    expect(errors[0]!.extra).toMatchObject({ code: 'invalid_token_secret' });
    expect(String(errors[0]!.extra?.['error'])).toMatch(/tokens\.0\.sha256: .*tokens\.0: .*token/);
    expect(JSON.stringify(errors)).not.toContain(ADMIN_TOKEN);
  });
});
