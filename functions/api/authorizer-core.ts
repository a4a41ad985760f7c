import { describeCause, errorFields } from '../core/errors';
import type { Logger } from '../core/jobs/logger';
import { authenticate, type TokenEntry } from './auth';
import { UnauthorizedError } from './errors';
import type { TokenSecretSource } from '../core/tokens/ports';
import { parseTokenSecret, tokenEntriesOf } from './token-secret';

/**
 * What the authorizer tells the API function (`event.requestContext.authorizer.lambda`).
 * Simple responses allow only string, number and boolean values, hence the comma list.
 * `name` is empty when the token is unknown or the header is not `Bearer <token>`.
 */
export interface AuthorizerPrincipalContext {
  [key: string]: string;
  name: string;
  /** Expanded scopes in a fixed order, e.g. `admin,read,ingest`; empty for an unknown token. */
  scopes: string;
  /** Why `name` is empty: `unknown_token` or `malformed_header`; empty otherwise. */
  problem: '' | 'unknown_token' | 'malformed_header';
}

/** HTTP API payload 2.0, simple response. */
export interface SimpleAuthorizerResult {
  isAuthorized: boolean;
  context?: AuthorizerPrincipalContext;
}

export interface TokenAuthorizerOptions {
  source: TokenSecretSource;
  /** Milliseconds since the epoch; tests pass a fake clock. */
  now: () => number;
  logger: Logger;
  /**
   * How long a container trusts the secret it read. Short, because a revoke waits this long plus
   * API Gateway's result cache before it bites; long enough that a busy API does not read
   * Secrets Manager on every cache miss. @default 60 s
   */
  secretCacheMs?: number;
}

/** Authorization header in, the simple response out. */
export type TokenAuthorizer = (authorization: string | undefined) => Promise<SimpleAuthorizerResult>;

export const DEFAULT_SECRET_CACHE_MS = 60_000;
/**
 * How long API Gateway keeps an answer per Authorization header (set on the CDK authorizer).
 * Saves an authorizer call on most requests; a revoked token works at most this long plus the
 * secret cache.
 */
export const AUTHORIZER_RESULT_CACHE_SECONDS = 300;
const scopeOrder = ['admin', 'read', 'ingest'] as const;

/**
 * Authenticates a bearer token against the token secret; it never decides scopes, because
 * API Gateway caches the answer per token, not per route: the API function checks the route's
 * scope (403) from `context.scopes`.
 *
 * Unknown token or malformed header: authorized, with an empty `name`. With a simple response,
 * `isAuthorized: false` makes API Gateway answer a bare 403 `{"message":"Forbidden"}` that we
 * cannot shape, while the API's contract is a 401 with `{"error":{code,message}}`. Letting the
 * request through with no principal makes the API function give that 401 itself. The cost is one
 * function invocation per rejected request (cached per token like any answer), which is the same
 * work the function did before the authorizer existed.
 *
 * An unreadable or malformed secret is the server's fault, not the caller's: it is logged as an
 * error and every request is denied (fail closed) until the secret is fixed.
 */
export function createTokenAuthorizer(options: TokenAuthorizerOptions): TokenAuthorizer {
  const secretCacheMs = options.secretCacheMs ?? DEFAULT_SECRET_CACHE_MS;
  let cached: { entries: TokenEntry[]; readAt: number } | undefined;

  const currentTokens = async (): Promise<TokenEntry[]> => {
    const now = options.now();
    if (cached && now - cached.readAt < secretCacheMs) return cached.entries;
    const entries = tokenEntriesOf(parseTokenSecret(await options.source.readSecretText()));
    cached = { entries, readAt: now };
    return entries;
  };

  return async (authorization) => {
    let tokens: TokenEntry[];
    try {
      tokens = await currentTokens();
    } catch (error) {
      options.logger.error('token secret unusable: denying every request until it is fixed', { ...errorFields(error), cause: describeCause(error) });
      return { isAuthorized: false };
    }
    try {
      const principal = authenticate(authorization, tokens);
      const scopes = scopeOrder.filter((scope) => principal.scopes.has(scope)).join(',');
      return { isAuthorized: true, context: { name: principal.name, scopes, problem: '' } };
    } catch (error) {
      if (!(error instanceof UnauthorizedError)) throw error;
      const problem = /^Bearer\s+\S/i.test(authorization ?? '') ? 'unknown_token' : 'malformed_header';
      return { isAuthorized: true, context: { name: '', scopes: '', problem } };
    }
  };
}
