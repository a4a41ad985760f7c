import { GetSecretValueCommand, PutSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { TokenSecretUnavailableError, type TokenSecretStore } from '../../core/tokens/ports';

export function createSecretsManagerClient(options: { region?: string; maxAttempts?: number } = {}): SecretsManagerClient {
  return new SecretsManagerClient({
    ...(options.region === undefined ? {} : { region: options.region }),
    ...(options.maxAttempts === undefined ? {} : { maxAttempts: options.maxAttempts }),
  });
}

/** What the operator can do about each failure; anything else is reported with its SDK name. */
const hints: Readonly<Record<string, string>> = {
  ResourceNotFoundException: 'no such secret (check --secret-id and --region against the stack output TokensSecretArn)',
  AccessDeniedException: 'access denied (the caller needs secretsmanager:GetSecretValue/PutSecretValue on it)',
  DecryptionFailure: 'the secret cannot be decrypted with its KMS key',
  InvalidRequestException: 'the secret cannot be used now (is it scheduled for deletion?)',
  CredentialsProviderError: 'no AWS credentials found (set AWS_PROFILE or log in)',
};

/**
 * The token secret in Secrets Manager. Reads the current value (`AWSCURRENT`); a write puts a
 * new version, which becomes current at once, so the authorizer sees it after its cache TTL.
 */
export class SecretsManagerTokenStore implements TokenSecretStore {
  constructor(
    private readonly client: SecretsManagerClient,
    readonly secretId: string,
  ) {}

  async readSecretText(): Promise<string> {
    try {
      const answer = await this.client.send(new GetSecretValueCommand({ SecretId: this.secretId }));
      if (answer.SecretString === undefined) throw new TokenSecretUnavailableError(`the token secret ${this.secretId} has no string value`);
      return answer.SecretString;
    } catch (error) {
      throw this.translate(error, 'read');
    }
  }

  async writeSecretText(text: string): Promise<void> {
    try {
      await this.client.send(new PutSecretValueCommand({ SecretId: this.secretId, SecretString: text }));
    } catch (error) {
      throw this.translate(error, 'write');
    }
  }

  private translate(error: unknown, action: 'read' | 'write'): Error {
    if (error instanceof TokenSecretUnavailableError) return error;
    const name = error instanceof Error ? error.name : 'UnknownError';
    const reason = hints[name] ?? `${name}: ${error instanceof Error ? error.message : String(error)}`;
    return new TokenSecretUnavailableError(`cannot ${action} the token secret ${this.secretId}: ${reason}`, { cause: error });
  }
}
