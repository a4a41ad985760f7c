import { randomBytes } from 'node:crypto';
import * as z from 'zod/mini';
import '../core/zod-mini-english';
import { NightshiftError } from '../core/errors';
import { scopesOfRoles, sha256, tokenRoles, type TokenEntry, type TokenRole } from './auth';
import { zodProblems } from '../core/validation';

/**
 * The API tokens in AWS: one Secrets Manager secret holding
 * `{"tokens":[{"name":"ci-ingest","sha256":"<hex>","scopes":["ingest"]}, …]}`.
 * Only names and SHA-256 digests are stored: a leaked secret value lets nobody call the API,
 * and a raw token exists only in the output of `npm run token -- create`.
 */
export const tokenNamePattern = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

// zod's tree-shakable build: the authorizer bundles these and no other schema (the issues and
// their messages are zod's core's, the same as the full build's).
const storedToken = z.strictObject({
  name: z.string().check(z.regex(tokenNamePattern, 'a name is 1-64 letters, digits, ".", "_" or "-", starting with a letter or digit')),
  sha256: z.string().check(z.regex(/^[0-9a-f]{64}$/, 'a SHA-256 digest is 64 lower-case hex digits')),
  scopes: z.array(z.enum(tokenRoles)).check(z.minLength(1, 'a token needs at least one scope')),
});

const tokenSecretSchema = z.strictObject({ tokens: z.array(storedToken) }).check(
  z.superRefine((secret, context) => {
    const seen = new Set<string>();
    secret.tokens.forEach((token, index) => {
      if (seen.has(token.name)) context.addIssue({ code: 'custom', path: ['tokens', index, 'name'], message: `duplicate token name "${token.name}"` });
      seen.add(token.name);
    });
  }),
);

export type StoredToken = z.infer<typeof storedToken>;
export type TokenSecret = z.infer<typeof tokenSecretSchema>;

/** The value a new secret starts with: no tokens, so every scoped route answers 401. */
export const emptyTokenSecret: TokenSecret = { tokens: [] };

export class InvalidTokenSecretError extends NightshiftError {
  constructor(readonly problems: readonly string[]) {
    super('invalid_token_secret', `the token secret is malformed: ${problems.join('; ')}`);
  }
}

export class TokenNameTakenError extends NightshiftError {
  constructor(name: string) {
    super('token_name_taken', `a token named "${name}" already exists; revoke it first or pick another name`);
  }
}

export class TokenNotFoundError extends NightshiftError {
  constructor(name: string) {
    super('token_not_found', `no token named "${name}"`);
  }
}

/** Parses the secret's text; every problem is named, with its place in the document. */
export function parseTokenSecret(text: string): TokenSecret {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new InvalidTokenSecretError([`not JSON (${(error as Error).message})`]);
  }
  const parsed = tokenSecretSchema.safeParse(json);
  if (!parsed.success) throw new InvalidTokenSecretError(zodProblems(parsed.error, { whole: '(root)' }));
  return parsed.data;
}

export function formatTokenSecret(secret: TokenSecret): string {
  return JSON.stringify(tokenSecretSchema.parse(secret));
}

/** A new token: 32 random bytes, base64url, with a prefix that secret scanners can recognise. */
export function generateToken(): string {
  return `nst_${randomBytes(32).toString('base64url')}`;
}

export function tokenDigestHex(token: string): string {
  return sha256(token).toString('hex');
}

export function addToken(secret: TokenSecret, name: string, token: string, roles: readonly TokenRole[]): TokenSecret {
  if (secret.tokens.some((existing) => existing.name === name)) throw new TokenNameTakenError(name);
  const added: StoredToken = { name, sha256: tokenDigestHex(token), scopes: [...new Set(roles)] };
  const parsed = storedToken.safeParse(added);
  if (!parsed.success) throw new InvalidTokenSecretError(zodProblems(parsed.error));
  return { tokens: [...secret.tokens, parsed.data] };
}

export function revokeToken(secret: TokenSecret, name: string): TokenSecret {
  if (!secret.tokens.some((existing) => existing.name === name)) throw new TokenNotFoundError(name);
  return { tokens: secret.tokens.filter((existing) => existing.name !== name) };
}

/** The entries `authenticate` compares against, with roles expanded (admin ⊇ read, ingest). */
export function tokenEntriesOf(secret: TokenSecret): TokenEntry[] {
  return secret.tokens.map((token) => ({ name: token.name, sha256: Buffer.from(token.sha256, 'hex'), scopes: scopesOfRoles(token.scopes) }));
}
