import { GetSecretValueCommand, PutSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { SecretsManagerTokenStore } from '../../../functions/adapters/secrets/token-secret-store';
import { parseTokenSecret, tokenDigestHex } from '../../../functions/api/token-secret';
import { TokenSecretUnavailableError } from '../../../functions/core/tokens/ports';
import { regionOfArn, runTokenCommand, type TokenCommandIo } from '../../../infra/tokens/manage-tokens';

const SECRET_ARN = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:Nightshift-tokens-AbCdEf';
const DIGEST = 'b'.repeat(64);
const existing = JSON.stringify({ tokens: [{ name: 'ops', sha256: DIGEST, scopes: ['admin'] }] });

const secretsMock = mockClient(SecretsManagerClient);

/** Runs a command against the mocked Secrets Manager; records output and the regions opened. */
async function run(argv: string[], env: Record<string, string> = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const regions: Array<string | undefined> = [];
  const io: TokenCommandIo = {
    openStore: (secretId, region) => {
      regions.push(region);
      return new SecretsManagerTokenStore(new SecretsManagerClient({ region: region ?? 'us-east-1' }), secretId);
    },
    out: (line) => out.push(line),
    err: (line) => err.push(line),
    env,
  };
  const code = await runTokenCommand(argv, io);
  return { code, out, err, regions };
}

function written(): string[] {
  return secretsMock.commandCalls(PutSecretValueCommand).map((call) => call.args[0].input.SecretString!);
}

afterEach(() => {
  secretsMock.reset();
});

describe('npm run token -- create', () => {
  it('adds the new token’s digest to the secret and prints the token once', async () => {
    // Prepare
    secretsMock.on(GetSecretValueCommand).resolves({ SecretString: existing });
    secretsMock.on(PutSecretValueCommand).resolves({});

    // Act
    const result = await run(['create', '--name', 'ci-ingest', '--scope', 'ingest', '--secret-id', SECRET_ARN]);

    // Assess
    expect(result.code).toBe(0);
    const token = result.out.find((line) => line.startsWith('nst_'))!;
    expect(result.out.filter((line) => line.includes(token))).toHaveLength(1);
    expect(result.regions).toEqual(['eu-west-1']);
    const [text] = written();
    expect(text).not.toContain(token);
    expect(parseTokenSecret(text!).tokens).toEqual([
      { name: 'ops', sha256: DIGEST, scopes: ['admin'] },
      { name: 'ci-ingest', sha256: tokenDigestHex(token), scopes: ['ingest'] },
    ]);
    expect(secretsMock.commandCalls(PutSecretValueCommand)[0]!.args[0].input.SecretId).toBe(SECRET_ARN);
  });

  it('refuses a duplicate name without writing or printing a token', async () => {
    // Prepare
    secretsMock.on(GetSecretValueCommand).resolves({ SecretString: existing });

    // Act
    const result = await run(['create', '--name', 'ops', '--scope', 'read'], { NIGHTSHIFT_TOKENS_SECRET_ID: 'Nightshift/tokens' });

    // Assess
    expect(result.code).toBe(1);
    expect(result.err.join('\n')).toMatch(/token_name_taken: a token named "ops" already exists/);
    expect(result.out.join('\n')).not.toMatch(/nst_/);
    expect(written()).toEqual([]);
    expect(result.regions).toEqual([undefined]);
  });

  it('prints no token when the write fails, naming the cause', async () => {
    // Prepare
    secretsMock.on(GetSecretValueCommand).resolves({ SecretString: existing });
    secretsMock.on(PutSecretValueCommand).rejects(Object.assign(new Error('denied'), { name: 'AccessDeniedException' }));

    // Act
    const result = await run(['create', '--name', 'new', '--scope', 'read', '--secret-id', SECRET_ARN]);

    // Assess
    expect(result.code).toBe(1);
    expect(result.err.join('\n')).toMatch(/token_secret_unavailable: cannot write the token secret .*access denied/);
    expect(result.out.join('\n')).not.toMatch(/nst_/);
  });

  it('answers usage errors with exit code 2 and the help', async () => {
    // Act
    const noSecret = await run(['create', '--name', 'x', '--scope', 'read']);
    const badScope = await run(['create', '--name', 'x', '--scope', 'root', '--secret-id', SECRET_ARN]);
    const unknownOption = await run(['list', '--secret-id', SECRET_ARN, '--force']);
    const unknownCommand = await run(['rotate', '--secret-id', SECRET_ARN]);

    // Assess
    expect([noSecret.code, badScope.code, unknownOption.code, unknownCommand.code]).toEqual([2, 2, 2, 2]);
    expect(noSecret.err[0]).toMatch(/--secret-id is required/);
    expect(badScope.err[0]).toMatch(/unknown scope root/);
    expect(unknownCommand.err[0]).toMatch(/npm run token -- create/);
    expect(secretsMock.calls()).toEqual([]);
  });
});

describe('npm run token -- list and revoke', () => {
  it('lists names and scopes, never digests', async () => {
    // Prepare
    secretsMock.on(GetSecretValueCommand).resolves({ SecretString: existing });

    // Act
    const result = await run(['list', '--secret-id', SECRET_ARN]);

    // Assess
    expect(result).toMatchObject({ code: 0, out: ['ops\tadmin'] });
  });

  it('revokes by name, and reports an unknown name', async () => {
    // Prepare
    secretsMock.on(GetSecretValueCommand).resolves({ SecretString: existing });
    secretsMock.on(PutSecretValueCommand).resolves({});

    // Act
    const revoked = await run(['revoke', '--name', 'ops', '--secret-id', SECRET_ARN]);
    const unknown = await run(['revoke', '--name', 'nobody', '--secret-id', SECRET_ARN]);

    // Assess
    expect(revoked.code).toBe(0);
    expect(revoked.out[0]).toMatch(/Revoked "ops".*360 s/);
    expect(written()).toEqual(['{"tokens":[]}']);
    expect(unknown.code).toBe(1);
    expect(unknown.err[0]).toMatch(/token_not_found/);
  });

  it('refuses to change a malformed secret, naming its problems', async () => {
    // Prepare
    secretsMock.on(GetSecretValueCommand).resolves({ SecretString: '{"tokens":[{"name":"ops"}]}' });

    // Act
    const result = await run(['revoke', '--name', 'ops', '--secret-id', SECRET_ARN]);

    // Assess
    expect(result.code).toBe(1);
    expect(result.err[0]).toMatch(/invalid_token_secret: .*tokens\.0\.sha256.*tokens\.0\.scopes/);
    expect(written()).toEqual([]);
  });
});

describe('SecretsManagerTokenStore', () => {
  it('turns SDK errors into Nightshift errors with the SDK error as cause', async () => {
    // Prepare
    const sdkError = Object.assign(new Error('Secrets Manager can’t find the specified secret.'), { name: 'ResourceNotFoundException' });
    secretsMock.on(GetSecretValueCommand).rejects(sdkError);
    const store = new SecretsManagerTokenStore(new SecretsManagerClient({ region: 'us-east-1' }), 'missing');

    // Act
    const error = await store.readSecretText().catch((caught: unknown) => caught);

    // Assess
    expect(error).toBeInstanceOf(TokenSecretUnavailableError);
    expect((error as Error).message).toMatch(/cannot read the token secret missing: no such secret/);
    expect((error as Error).cause).toMatchObject({ name: 'ResourceNotFoundException' });
  });

  it('finds the region in a secret ARN only', () => {
    // Assess
    expect(regionOfArn(SECRET_ARN)).toBe('eu-west-1');
    expect(regionOfArn('Nightshift/tokens')).toBeUndefined();
  });
});
