import type { APIGatewayRequestAuthorizerEventV2 } from 'aws-lambda';
import { lambdaAuthorizerHandler } from '../runtime/authorizer-edge';
import type { SimpleAuthorizerResult, TokenAuthorizer } from './authorizer-core';

/**
 * The HTTP API's Lambda authorizer (payload 2.0, simple responses) over a token authorizer: see
 * authorizer-core.ts. API Gateway lower-cases header names in 2.0 events and only calls us when
 * the identity source, the Authorization header, is present.
 */
export function makeAuthorizerHandler(authorize: TokenAuthorizer): (event: APIGatewayRequestAuthorizerEventV2) => Promise<SimpleAuthorizerResult> {
  return (event) => authorize(event.headers?.['authorization'] ?? event.identitySource?.[0]);
}

export const handler = lambdaAuthorizerHandler(makeAuthorizerHandler);
