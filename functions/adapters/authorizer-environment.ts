import * as z from 'zod/mini';
import '../core/zod-mini-english';
import { zodProblems } from '../core/validation';
import { InvalidEnvironmentError } from './environment-error';

// zod's tree-shakable build: the authorizer's bundle carries no other schema.
const authorizerSchema = z.object({
  /** The secret of token names and digests (api/token-secret.ts); the stack sets it. */
  NIGHTSHIFT_TOKENS_SECRET_ARN: z.string().check(z.regex(/^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:.+$/, 'must be a Secrets Manager secret ARN')),
});

export interface AuthorizerEnvironment {
  tokensSecretArn: string;
}

/**
 * The authorizer's environment, read once; apart from the runtime's (environment.ts) because the
 * authorizer is a small function that reads the token secret and nothing else.
 */
export function readAuthorizerEnvironment(env: NodeJS.ProcessEnv): AuthorizerEnvironment {
  const result = authorizerSchema.safeParse(env);
  if (!result.success) throw new InvalidEnvironmentError(zodProblems(result.error));
  return { tokensSecretArn: result.data.NIGHTSHIFT_TOKENS_SECRET_ARN };
}
