import { StorageThrottledError } from '../../core/storage/errors';
import { cancellationReasons, translateDynamoDbError } from './errors';

/**
 * The one retry policy of the DynamoDB adapters, for transaction conflicts and for items a batch
 * hands back unprocessed: up to this many tries, waiting 20 ms doubled per try (at most 1 s),
 * each wait jittered between half and one and a half of that, so racing writers spread out.
 */
const MAX_TRIES = 10;
const BASE_MS = 20;
const MAX_MS = 1000;

export type Attempt<T> = { done: true; value: T } | { done: false; cause?: unknown };

/**
 * Runs `step` until it reports done; between tries it waits (jittered exponential backoff). When
 * the tries run out the storage is as good as throttling: `StorageThrottledError`.
 */
export async function retryWithJitter<T>(what: string, step: (attempt: number) => Promise<Attempt<T>>): Promise<T> {
  let cause: unknown;
  for (let attempt = 0; attempt < MAX_TRIES; attempt += 1) {
    if (attempt > 0) await pause(Math.min(MAX_MS, BASE_MS * 2 ** attempt) * (0.5 + Math.random()));
    const outcome = await step(attempt);
    if (outcome.done) return outcome.value;
    cause = outcome.cause;
  }
  throw new StorageThrottledError(`${what}: still contended after ${MAX_TRIES} tries`, { cause });
}

/**
 * Runs a transaction, trying again while it is cancelled by a `TransactionConflict` (transactions
 * on the same item cancel each other); any other failure is translated and thrown at once.
 */
export function retryingConflicts<T>(what: string, operation: () => Promise<T>): Promise<T> {
  return retryWithJitter(what, async () => {
    try {
      return { done: true, value: await operation() };
    } catch (error) {
      if (cancellationReasons(error)?.some((reason) => reason.Code === 'TransactionConflict')) return { done: false, cause: error };
      throw translateDynamoDbError(error, what);
    }
  });
}

const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
