import { readAuthorizerEnvironment, type AuthorizerEnvironment } from '../adapters/authorizer-environment';
import { systemClock } from '../adapters/clock';
import { createLogger } from '../adapters/logger';
import { createSecretsManagerClient, SecretsManagerTokenStore } from '../adapters/secrets/token-secret-store';
import { createTokenAuthorizer, type TokenAuthorizer } from '../api/authorizer-core';
import { builtOnFirstCall } from './first-call';

/**
 * The authorizer's composition root: the token secret's store, the clock and the logger. Apart
 * from the runtime's (runtime.ts) because the authorizer is a small function that reads the token
 * secret and nothing else.
 */
export function buildAuthorizer(env: AuthorizerEnvironment): TokenAuthorizer {
  return createTokenAuthorizer({
    source: new SecretsManagerTokenStore(createSecretsManagerClient(), env.tokensSecretArn),
    now: () => systemClock.now().getTime(),
    logger: createLogger(),
  });
}

/** The authorizer's Lambda handler: its environment parsed and its authorizer built once per container. */
export function lambdaAuthorizerHandler<E, R>(make: (authorize: TokenAuthorizer) => (event: E) => Promise<R>): (event: E) => Promise<R> {
  return builtOnFirstCall(() => make(buildAuthorizer(readAuthorizerEnvironment(process.env))));
}
