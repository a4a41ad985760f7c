import { describe, expect, it } from 'vitest';
import {
  addToken,
  emptyTokenSecret,
  formatTokenSecret,
  generateToken,
  InvalidTokenSecretError,
  parseTokenSecret,
  revokeToken,
  tokenDigestHex,
  tokenEntriesOf,
  TokenNameTakenError,
  TokenNotFoundError,
} from '../../../functions/api/token-secret';

const DIGEST = 'a'.repeat(64);

function problemsOf(text: string): readonly string[] {
  try {
    parseTokenSecret(text);
  } catch (error) {
    if (error instanceof InvalidTokenSecretError) return error.problems;
    throw error;
  }
  throw new Error('the secret parsed');
}

describe('parseTokenSecret', () => {
  it('reads names, digests and scopes', () => {
    // Prepare
    const text = JSON.stringify({ tokens: [{ name: 'ci-ingest', sha256: DIGEST, scopes: ['ingest'] }] });

    // Act
    const secret = parseTokenSecret(text);

    // Assess
    expect(secret).toEqual({ tokens: [{ name: 'ci-ingest', sha256: DIGEST, scopes: ['ingest'] }] });
  });

  it('names every problem with its place', () => {
    // Prepare
    const text = JSON.stringify({
      tokens: [
        { name: 'ok', sha256: DIGEST.toUpperCase(), scopes: ['root'] },
        { name: 'ok', sha256: DIGEST, scopes: [] },
        { name: 'has space', sha256: DIGEST, scopes: ['read'], token: 'raw' },
      ],
      extra: true,
    });

    // Act
    const problems = problemsOf(text);

    // Assess
    expect(problems.join('\n')).toMatch(/tokens\.0\.sha256: a SHA-256 digest/);
    expect(problems.join('\n')).toMatch(/tokens\.0\.scopes\.0/);
    expect(problems.join('\n')).toMatch(/tokens\.1\.scopes: a token needs at least one scope/);
    expect(problems.join('\n')).toMatch(/tokens\.2\.name: a name is/);
    expect(problems.join('\n')).toMatch(/tokens\.2: .*token/);
    expect(problems.join('\n')).toMatch(/\(root\): .*extra/);
  });

  it('rejects duplicate names and text that is not JSON', () => {
    // Prepare
    const duplicate = JSON.stringify({ tokens: [{ name: 'a', sha256: DIGEST, scopes: ['read'] }, { name: 'a', sha256: DIGEST, scopes: ['admin'] }] });

    // Act
    const duplicateProblems = problemsOf(duplicate);
    const notJsonProblems = problemsOf('{tokens:');

    // Assess
    expect(duplicateProblems).toEqual(['tokens.1.name: duplicate token name "a"']);
    expect(notJsonProblems[0]).toMatch(/^not JSON/);
  });
});

describe('adding and revoking tokens', () => {
  it('adds a token by its digest only, and formats a document that parses back', () => {
    // Prepare
    const token = generateToken();

    // Act
    const secret = addToken(emptyTokenSecret, 'ci-ingest', token, ['ingest']);
    const text = formatTokenSecret(secret);

    // Assess
    expect(text).not.toContain(token);
    expect(parseTokenSecret(text)).toEqual({ tokens: [{ name: 'ci-ingest', sha256: tokenDigestHex(token), scopes: ['ingest'] }] });
  });

  it('refuses a name that is taken or invalid, and a revoke of an unknown name', () => {
    // Prepare
    const secret = addToken(emptyTokenSecret, 'ops', generateToken(), ['admin']);

    // Act
    const addTaken = () => addToken(secret, 'ops', generateToken(), ['read']);
    const addInvalid = () => addToken(secret, '../etc', generateToken(), ['read']);
    const revokeUnknown = () => revokeToken(secret, 'nobody');

    // Assess
    expect(addTaken).toThrow(TokenNameTakenError);
    expect(addInvalid).toThrow(InvalidTokenSecretError);
    expect(revokeUnknown).toThrow(TokenNotFoundError);
  });

  it('revokes by name, keeping the others', () => {
    // Prepare
    const secret = addToken(addToken(emptyTokenSecret, 'a', generateToken(), ['read']), 'b', generateToken(), ['ingest']);

    // Act
    const revoked = revokeToken(secret, 'a');

    // Assess
    expect(revoked.tokens.map((token) => token.name)).toEqual(['b']);
  });

  it('generates distinct, prefixed 32-byte base64url tokens', () => {
    // Act
    const tokens = Array.from({ length: 50 }, generateToken);

    // Assess
    expect(new Set(tokens).size).toBe(50);
    for (const token of tokens) expect(token).toMatch(/^nst_[A-Za-z0-9_-]{43}$/);
  });

  it('expands admin to every scope for authentication', () => {
    // Prepare
    const secret = addToken(emptyTokenSecret, 'ops', generateToken(), ['admin']);

    // Act
    const [entry] = tokenEntriesOf(secret);

    // Assess
    expect([...entry!.scopes].sort()).toEqual(['admin', 'ingest', 'read']);
    expect(entry!.sha256.toString('hex')).toBe(secret.tokens[0]!.sha256);
  });
});
