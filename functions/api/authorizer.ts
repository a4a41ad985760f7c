import type { APIGatewayRequestAuthorizerEventV2 } from 'aws-lambda';
import { createLogger } from '../adapters/logger';
import { createSecretsManagerClient, SecretsManagerTokenStore } from '../adapters/secrets/token-secret-store';
import { createTokenAuthorizer, type SimpleAuthorizerResult } from './authorizer-core';

let authorize: ((authorization: string | undefined) => Promise<SimpleAuthorizerResult>) | undefined;

function authorizer(): (authorization: string | undefined) => Promise<SimpleAuthorizerResult> {
  if (!authorize) {
    const secretArn = process.env['NIGHTSHIFT_TOKENS_SECRET_ARN'];
    if (!secretArn) throw new Error('NIGHTSHIFT_TOKENS_SECRET_ARN is not set');
    authorize = createTokenAuthorizer({
      source: new SecretsManagerTokenStore(createSecretsManagerClient(), secretArn),
      now: () => Date.now(),
      logger: createLogger(),
    });
  }
  return authorize;
}

/** Forgets the cached secret and client (tests change the environment and the clock). */
export function resetAuthorizer(): void {
  authorize = undefined;
}

/**
 * The HTTP API's Lambda authorizer (payload 2.0, simple responses): see authorizer-core.ts.
 * API Gateway lower-cases header names in 2.0 events and only calls us when the identity source,
 * the Authorization header, is present.
 */
export async function handler(event: APIGatewayRequestAuthorizerEventV2): Promise<SimpleAuthorizerResult> {
  return authorizer()(event.headers?.['authorization'] ?? event.identitySource?.[0]);
}
