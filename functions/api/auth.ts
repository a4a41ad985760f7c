import { createHash, timingSafeEqual } from 'node:crypto';
import type { Scope } from './route-specs';
import { ForbiddenError, UnauthorizedError } from './errors';

export interface Principal {
  name: string;
  scopes: ReadonlySet<Exclude<Scope, 'none'>>;
}

/** A token as configured: only its SHA-256 is kept in memory after start. */
export interface TokenEntry {
  name: string;
  sha256: Buffer;
  scopes: ReadonlySet<Exclude<Scope, 'none'>>;
}

const scopesOf: Record<'admin' | 'read' | 'ingest', ReadonlySet<Exclude<Scope, 'none'>>> = {
  admin: new Set(['admin', 'read', 'ingest']),
  read: new Set(['read']),
  ingest: new Set(['ingest']),
};

export type TokenRole = keyof typeof scopesOf;
export const tokenRoles = ['admin', 'read', 'ingest'] as const satisfies readonly TokenRole[];

export function tokenEntry(name: string, token: string, role: TokenRole): TokenEntry {
  return { name, sha256: sha256(token), scopes: scopesOf[role] };
}

/** The scopes a set of roles grants: admin implies read and ingest. */
export function scopesOfRoles(roles: readonly TokenRole[]): ReadonlySet<Exclude<Scope, 'none'>> {
  return new Set(roles.flatMap((role) => [...scopesOf[role]]));
}

/**
 * The API's own tokens where no authorizer runs (the local cloud): one per role, named after it
 * (NIGHTSHIFT_ADMIN_TOKEN, NIGHTSHIFT_READ_TOKEN, NIGHTSHIFT_INGEST_TOKEN, parsed by the
 * environment parser).
 */
export function tokensByRole(tokens: Partial<Record<TokenRole, string>>): TokenEntry[] {
  return tokenRoles.flatMap((role) => {
    const token = tokens[role];
    return token ? [tokenEntry(role, token, role)] : [];
  });
}

/**
 * Finds the caller from `Authorization: Bearer <token>`. Every configured token is compared,
 * in constant time over fixed-length digests, so timing reveals neither which nor how much
 * of a token matched.
 */
export function authenticate(authorization: string | undefined, tokens: readonly TokenEntry[]): Principal {
  const match = /^Bearer\s+(\S{1,512})\s*$/i.exec(authorization ?? '');
  if (!match?.[1]) throw new UnauthorizedError();
  const presented = sha256(match[1]);
  let found: TokenEntry | undefined;
  for (const entry of tokens) {
    if (timingSafeEqual(presented, entry.sha256) && !found) found = entry;
  }
  if (!found) throw new UnauthorizedError('unknown token');
  return { name: found.name, scopes: found.scopes };
}

/**
 * The caller as the Lambda authorizer found it (`requestContext.authorizer.lambda`), or
 * `undefined` when no authorizer ran (the local cloud, tests). API Gateway builds that part of
 * the event itself from the authorizer's answer; a client cannot supply it. An empty name means
 * the authorizer did not know the token: the API's own 401.
 */
export function principalFromAuthorizer(context: Readonly<Record<string, unknown>> | undefined): Principal | undefined {
  if (context === undefined) return undefined;
  const name = context['name'];
  if (typeof name !== 'string' || name === '') {
    throw context['problem'] === 'malformed_header' ? new UnauthorizedError() : new UnauthorizedError('unknown token');
  }
  const listed = typeof context['scopes'] === 'string' ? context['scopes'].split(',') : [];
  const known = listed.filter((scope): scope is TokenRole => (tokenRoles as readonly string[]).includes(scope));
  return { name, scopes: scopesOfRoles(known) };
}

export function requireScope(principal: Principal, scope: Scope): void {
  if (scope === 'none' || principal.scopes.has(scope)) return;
  throw new ForbiddenError(`token "${principal.name}" lacks the ${scope} scope`);
}

export function sha256(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}
