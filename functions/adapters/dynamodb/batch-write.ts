import { BatchWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { StorageThrottledError } from '../../core/storage/errors';
import { translateDynamoDbError } from './errors';

export type WriteRequest = { PutRequest: { Item: Record<string, unknown> } } | { DeleteRequest: { Key: Record<string, unknown> } };

/** BatchWriteItem takes at most 25 requests. */
const BATCH = 25;
const MAX_ATTEMPTS = 8;

const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Writes every request, 25 at a time, resending what DynamoDB hands back as unprocessed (it does
 * under throttling) with jittered backoff. Not atomic: callers only batch writes that are pure
 * recomputations, which a re-run repeats.
 */
export async function batchWrite(client: DynamoDBDocumentClient, tableName: string, requests: readonly WriteRequest[], what: string): Promise<void> {
  for (let start = 0; start < requests.length; start += BATCH) {
    let pending: WriteRequest[] = requests.slice(start, start + BATCH);
    for (let attempt = 0; pending.length > 0; attempt += 1) {
      if (attempt >= MAX_ATTEMPTS) throw new StorageThrottledError(`${what}: ${pending.length} writes still unprocessed`);
      if (attempt > 0) await pause(Math.min(2000, 50 * 2 ** attempt) * (0.5 + Math.random() / 2));
      try {
        const result = await client.send(new BatchWriteCommand({ RequestItems: { [tableName]: pending } }));
        pending = (result.UnprocessedItems?.[tableName] ?? []) as WriteRequest[];
      } catch (error) {
        throw translateDynamoDbError(error, what);
      }
    }
  }
}
