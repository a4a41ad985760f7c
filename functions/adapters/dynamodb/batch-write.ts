import { BatchWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { translateDynamoDbError } from './errors';
import { retryWithJitter } from './retry';

export type WriteRequest = { PutRequest: { Item: Record<string, unknown> } } | { DeleteRequest: { Key: Record<string, unknown> } };

/** BatchWriteItem takes at most 25 requests. */
const BATCH = 25;

/**
 * Writes every request, 25 at a time, resending what DynamoDB hands back as unprocessed (it does
 * under throttling) with jittered backoff. Not atomic: callers only batch writes that are pure
 * recomputations, which a re-run repeats.
 */
export async function batchWrite(client: DynamoDBDocumentClient, tableName: string, requests: readonly WriteRequest[], what: string): Promise<void> {
  for (let start = 0; start < requests.length; start += BATCH) {
    let pending: WriteRequest[] = requests.slice(start, start + BATCH);
    await retryWithJitter(`${what} (writes left unprocessed)`, async () => {
      try {
        const result = await client.send(new BatchWriteCommand({ RequestItems: { [tableName]: pending } }));
        pending = (result.UnprocessedItems?.[tableName] ?? []) as WriteRequest[];
      } catch (error) {
        throw translateDynamoDbError(error, what);
      }
      return pending.length === 0 ? { done: true, value: undefined } : { done: false };
    });
  }
}
