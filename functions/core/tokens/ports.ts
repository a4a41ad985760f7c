import { NightshiftError } from '../errors';

/** The token secret could not be read or written (Secrets Manager's failure, translated). */
export class TokenSecretUnavailableError extends NightshiftError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('token_secret_unavailable', message, options);
  }
}

/** Where the authorizer reads the secret's text (Secrets Manager in AWS, a fake in tests). */
export interface TokenSecretSource {
  readSecretText(): Promise<string>;
}

/** What `npm run token` needs besides reading: replacing the whole value. */
export interface TokenSecretStore extends TokenSecretSource {
  writeSecretText(text: string): Promise<void>;
}
