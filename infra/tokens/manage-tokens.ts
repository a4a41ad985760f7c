import { parseArgs } from 'node:util';
import { createSecretsManagerClient, SecretsManagerTokenStore } from '../../functions/adapters/secrets/token-secret-store';
import { tokenRoles, type TokenRole } from '../../functions/api/auth';
import { AUTHORIZER_RESULT_CACHE_SECONDS, DEFAULT_SECRET_CACHE_MS } from '../../functions/api/authorizer-core';
import { addToken, formatTokenSecret, generateToken, parseTokenSecret, revokeToken } from '../../functions/api/token-secret';
import type { TokenSecretStore } from '../../functions/core/tokens/ports';
import { NightshiftError } from '../../functions/core/errors';
import { isEntryPoint } from '../entry-point';

export const usage = `Manage the HTTP API's tokens in AWS (the token secret of the stateless stack).

  npm run token -- create --name NAME --scope admin|read|ingest [--secret-id ID] [--region R]
  npm run token -- list [--secret-id ID] [--region R]
  npm run token -- revoke --name NAME [--secret-id ID] [--region R]

--secret-id  the secret's ARN or name (stack output TokensSecretArn); default $NIGHTSHIFT_TOKENS_SECRET_ID
--region     default: the region in an ARN, else the AWS SDK's (AWS_REGION, profile)
--scope      may be repeated; admin implies read and ingest

create prints the new token once; only its SHA-256 is stored.`;

export interface TokenCommandIo {
  /** Opens the secret; the real one talks to Secrets Manager. */
  openStore(secretId: string, region: string | undefined): TokenSecretStore;
  out(line: string): void;
  err(line: string): void;
  env: Readonly<Record<string, string | undefined>>;
}

class UsageError extends Error {}

/**
 * Runs one command; returns the exit code (0 done, 1 failed, 2 usage). Read, change, write:
 * Secrets Manager has no conditional put, so two operators changing tokens at the same moment
 * can lose one change. `list` shows the result.
 */
export async function runTokenCommand(argv: readonly string[], io: TokenCommandIo): Promise<number> {
  try {
    const { values, positionals } = parseArgs({
      args: [...argv],
      allowPositionals: true,
      options: {
        name: { type: 'string' },
        scope: { type: 'string', multiple: true },
        'secret-id': { type: 'string' },
        region: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
    if (values.help) {
      io.out(usage);
      return 0;
    }
    const [command, ...extra] = positionals;
    if (command === undefined || extra.length > 0) throw new UsageError(command === undefined ? 'a command is required' : `unexpected arguments: ${extra.join(' ')}`);
    const secretId = values['secret-id'] ?? io.env['NIGHTSHIFT_TOKENS_SECRET_ID'];
    if (!secretId) throw new UsageError('--secret-id is required (or set NIGHTSHIFT_TOKENS_SECRET_ID); the stack output TokensSecretArn has it');
    const open = () => io.openStore(secretId, values.region ?? regionOfArn(secretId));

    switch (command) {
      case 'create': {
        const name = requiredName(values.name);
        const roles = rolesOf(values.scope);
        const store = open();
        const token = generateToken();
        const updated = addToken(parseTokenSecret(await store.readSecretText()), name, token, roles);
        await store.writeSecretText(formatTokenSecret(updated));
        // The token is printed only once the secret holds its digest, so it is never shown unusable.
        io.out(`Created token "${name}" with scope ${roles.join(', ')}. It is shown only now; store it safely:`);
        io.out('');
        io.out(token);
        io.out('');
        io.out(`The API accepts it within ${DEFAULT_SECRET_CACHE_MS / 1000} s (the authorizer's secret cache).`);
        return 0;
      }
      case 'list': {
        const secret = parseTokenSecret(await open().readSecretText());
        if (secret.tokens.length === 0) io.out('no tokens (every scoped route answers 401)');
        for (const token of secret.tokens) io.out(`${token.name}\t${token.scopes.join(',')}`);
        return 0;
      }
      case 'revoke': {
        const name = requiredName(values.name);
        const store = open();
        await store.writeSecretText(formatTokenSecret(revokeToken(parseTokenSecret(await store.readSecretText()), name)));
        const worstCase = DEFAULT_SECRET_CACHE_MS / 1000 + AUTHORIZER_RESULT_CACHE_SECONDS;
        io.out(`Revoked "${name}". Requests with it fail within ${worstCase} s (secret cache + API Gateway's authorizer cache).`);
        return 0;
      }
      default:
        throw new UsageError(`unknown command "${command}" (create, list or revoke)`);
    }
  } catch (error) {
    if (error instanceof UsageError || (error instanceof TypeError && 'code' in error && String(error.code).startsWith('ERR_PARSE_ARGS'))) {
      io.err(`${error.message}\n\n${usage}`);
      return 2;
    }
    if (error instanceof NightshiftError) {
      io.err(`${error.code}: ${error.message}`);
      return 1;
    }
    throw error;
  }
}

function requiredName(name: string | undefined): string {
  if (!name) throw new UsageError('--name is required');
  return name;
}

function rolesOf(scopes: readonly string[] | undefined): TokenRole[] {
  if (!scopes || scopes.length === 0) throw new UsageError('--scope is required (admin, read or ingest)');
  const unknown = scopes.filter((scope) => !(tokenRoles as readonly string[]).includes(scope));
  if (unknown.length > 0) throw new UsageError(`unknown scope ${unknown.join(', ')} (admin, read or ingest)`);
  return [...new Set(scopes as TokenRole[])];
}

/** `arn:aws:secretsmanager:eu-west-1:…` → `eu-west-1`; a plain name has no region. */
export function regionOfArn(secretId: string): string | undefined {
  const parts = secretId.split(':');
  return parts[0] === 'arn' && parts[2] === 'secretsmanager' && parts[3] ? parts[3] : undefined;
}

if (isEntryPoint(import.meta.url)) {
  const code = await runTokenCommand(process.argv.slice(2), {
    openStore: (secretId, region) => new SecretsManagerTokenStore(createSecretsManagerClient(region === undefined ? {} : { region }), secretId),
    out: (line) => console.log(line),
    err: (line) => console.error(line),
    env: process.env,
  });
  process.exitCode = code;
}
