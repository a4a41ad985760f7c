import { describe, expect, it } from 'vitest';
import { authenticate, requireScope, tokenEntry, tokensByRole, type Principal } from '../../../functions/api/auth';
import { readEnvironment } from '../../../functions/adapters/environment';
import { MINIMAL_RUNTIME_VARIABLES } from '../../helpers/environment';
import { ForbiddenError, httpStatusOf, UnauthorizedError } from '../../../functions/api/errors';

const ADMIN = 'admin-token-6f1c2a';
const READ = 'read-token-93be77';
const INGEST = 'ingest-token-0d4e51';

const tokens = [tokenEntry('admin', ADMIN, 'admin'), tokenEntry('read', READ, 'read'), tokenEntry('ingest', INGEST, 'ingest')];

/** The error `action` throws, or a failure if it throws nothing. */
function thrownBy(action: () => unknown): unknown {
  try {
    action();
  } catch (error) {
    return error;
  }
  throw new Error('nothing was thrown');
}

/** The API tokens a function's environment gives it, through the runtime's parser. */
function tokensFromEnvironment(variables: Record<string, string>) {
  return tokensByRole(readEnvironment({ ...MINIMAL_RUNTIME_VARIABLES, ...variables }).apiTokens);
}

describe('the API tokens of the environment', () => {
  it('reads the admin, read and ingest tokens, each with its role’s scopes, keeping only digests', () => {
    // Prepare
    const env = { NIGHTSHIFT_ADMIN_TOKEN: ADMIN, NIGHTSHIFT_READ_TOKEN: READ, NIGHTSHIFT_INGEST_TOKEN: INGEST, PATH: '/usr/bin' };

    // Act
    const entries = tokensFromEnvironment(env);

    // Assess
    expect(entries.map((e) => [e.name, [...e.scopes].sort()])).toEqual([
      ['admin', ['admin', 'ingest', 'read']],
      ['read', ['read']],
      ['ingest', ['ingest']],
    ]);
    expect(entries.every((e) => e.sha256.length === 32)).toBe(true);
    expect(JSON.stringify(entries)).not.toContain(ADMIN);
  });

  it('skips tokens that are unset or empty', () => {
    // Prepare
    const env = { NIGHTSHIFT_ADMIN_TOKEN: '', NIGHTSHIFT_READ_TOKEN: READ };

    // Act
    const entries = tokensFromEnvironment(env);

    // Assess
    expect(entries.map((e) => e.name)).toEqual(['read']);
  });
});

describe('authenticate', () => {
  it('finds the principal of a known bearer token, whatever the scheme’s case', () => {
    // Prepare
    const headers = [`Bearer ${READ}`, `bearer ${READ}`, `Bearer   ${READ}  `];

    // Act
    const principals = headers.map((header) => authenticate(header, tokens));

    // Assess
    for (const principal of principals) {
      expect(principal.name).toBe('read');
      expect([...principal.scopes]).toEqual(['read']);
    }
  });

  it.each([
    ['no header', undefined, 'a valid bearer token is required (Authorization: Bearer <token>)'],
    ['an empty header', '', 'a valid bearer token is required (Authorization: Bearer <token>)'],
    ['the Basic scheme', `Basic ${Buffer.from(`admin:${ADMIN}`).toString('base64')}`, 'a valid bearer token is required (Authorization: Bearer <token>)'],
    ['a bare token without a scheme', ADMIN, 'a valid bearer token is required (Authorization: Bearer <token>)'],
    ['a bearer with two words', `Bearer ${ADMIN} extra`, 'a valid bearer token is required (Authorization: Bearer <token>)'],
    ['an unknown token', 'Bearer not-a-token-we-issued', 'unknown token'],
    ['a prefix of a known token', `Bearer ${ADMIN.slice(0, -1)}`, 'unknown token'],
    ['a known token with an extra character', `Bearer ${ADMIN}x`, 'unknown token'],
  ])('refuses %s with 401 UnauthorizedError', (_what, header, message) => {
    // Prepare
    const configured = tokens;

    // Act
    const error = thrownBy(() => authenticate(header, configured));

    // Assess
    expect(error).toBeInstanceOf(UnauthorizedError);
    expect((error as UnauthorizedError).message).toBe(message);
    expect(httpStatusOf(error)).toBe(401);
    expect((error as UnauthorizedError).toJSON()).toEqual({ code: 'unauthorized', message });
  });

  it('refuses every token when none is configured', () => {
    // Prepare
    const none = tokensFromEnvironment({});

    // Act
    const error = thrownBy(() => authenticate(`Bearer ${ADMIN}`, none));

    // Assess
    expect(error).toBeInstanceOf(UnauthorizedError);
    expect(httpStatusOf(error)).toBe(401);
  });
});

describe('requireScope', () => {
  const principal = (token: string): Principal => authenticate(`Bearer ${token}`, tokens);

  it('refuses a read token on an admin route with 403 ForbiddenError naming the token and scope', () => {
    // Prepare
    const reader = principal(READ);

    // Act
    const error = thrownBy(() => requireScope(reader, 'admin'));

    // Assess
    expect(error).toBeInstanceOf(ForbiddenError);
    expect(httpStatusOf(error)).toBe(403);
    expect((error as ForbiddenError).toJSON()).toEqual({ code: 'forbidden', message: 'token "read" lacks the admin scope' });
  });

  it('lets the admin token through admin, read and ingest routes', () => {
    // Prepare
    const admin = principal(ADMIN);

    // Act
    const outcomes = (['admin', 'read', 'ingest', 'none'] as const).map((scope) => requireScope(admin, scope));

    // Assess
    expect(outcomes).toEqual([undefined, undefined, undefined, undefined]);
  });

  it('keeps the read and ingest tokens to their own scope', () => {
    // Prepare
    const reader = principal(READ);
    const ingester = principal(INGEST);

    // Act
    const readerOnIngest = thrownBy(() => requireScope(reader, 'ingest'));
    const ingesterOnRead = thrownBy(() => requireScope(ingester, 'read'));
    const ingesterOnAdmin = thrownBy(() => requireScope(ingester, 'admin'));

    // Assess
    expect(() => requireScope(reader, 'read')).not.toThrow();
    expect(() => requireScope(ingester, 'ingest')).not.toThrow();
    expect(readerOnIngest).toBeInstanceOf(ForbiddenError);
    expect(ingesterOnRead).toBeInstanceOf(ForbiddenError);
    expect(ingesterOnAdmin).toBeInstanceOf(ForbiddenError);
  });
});
