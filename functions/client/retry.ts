import { ApiConnectionError, ApiError } from './api-client';

export interface RetryPolicy {
  /** Keep trying for this long after the first attempt started. */
  forMs: number;
  /** The first pause; each later one doubles (with jitter), up to `maxDelayMs`. */
  initialDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { forMs: 120_000, initialDelayMs: 500, maxDelayMs: 10_000 };

/**
 * Whether sending the same request again can help: no answer (or none in time), the server or
 * its storage failing or too slow (5xx), throttling (429), or a repeat of an Idempotency-Key whose
 * first request is still at work (409 `idempotency_key_in_progress`). Only safe for requests
 * that carry an Idempotency-Key or change nothing.
 */
export function isRetryable(error: unknown): boolean {
  if (error instanceof ApiConnectionError) return true;
  if (!(error instanceof ApiError)) return false;
  return error.status >= 500 || error.status === 429 || (error.status === 409 && error.code === 'idempotency_key_in_progress');
}

/**
 * Runs `attempt` until it succeeds, fails in a way a retry cannot mend, or `policy.forMs` has
 * passed; the last error is thrown. `onRetry` hears of each retry before its pause.
 */
export async function withRetries<T>(
  attempt: () => Promise<T>,
  policy: RetryPolicy,
  onRetry: (error: unknown, attemptNumber: number, delayMs: number) => void = () => undefined,
): Promise<T> {
  const started = Date.now();
  for (let attemptNumber = 1; ; attemptNumber += 1) {
    try {
      return await attempt();
    } catch (error) {
      const delayMs = Math.min(policy.maxDelayMs, policy.initialDelayMs * 2 ** (attemptNumber - 1)) * (0.75 + Math.random() / 2);
      if (!isRetryable(error) || Date.now() + delayMs - started > policy.forMs) throw error;
      onRetry(error, attemptNumber, delayMs);
      await new Promise((resolve) => setTimeout(resolve, delayMs));
    }
  }
}
