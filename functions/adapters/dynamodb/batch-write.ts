import { BatchGetCommand, BatchWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { mapConcurrent } from '../../core/map-concurrent';
import { translateDynamoDbError } from './errors';
import { retryWithJitter } from './retry';

export type WriteRequest = { PutRequest: { Item: Record<string, unknown> } } | { DeleteRequest: { Key: Record<string, unknown> } };

/** BatchWriteItem takes at most 25 requests; BatchGetItem at most 100 keys. */
const WRITE_BATCH = 25;
const GET_BATCH = 100;
/**
 * Batches in flight at once. A batch is one round trip whatever its size, so a run's cost is its
 * round trips in sequence: eight at a time keep that short without piling onto a table's partition.
 */
const BATCHES_AT_ONCE = 8;

/**
 * Writes every request, 25 at a time and several batches at once, resending what DynamoDB hands
 * back as unprocessed (it does under throttling) with jittered backoff. Not atomic and in no
 * order: callers only batch writes that are pure recomputations, which a re-run repeats, or
 * marks whose order against other calls they await.
 */
export async function batchWrite(client: DynamoDBDocumentClient, tableName: string, requests: readonly WriteRequest[], what: string): Promise<void> {
  await inBatches(requests, WRITE_BATCH, async (batch) => {
    let pending: WriteRequest[] = batch;
    await retryWithJitter(`${what} (writes left unprocessed)`, async () => {
      try {
        const result = await client.send(new BatchWriteCommand({ RequestItems: { [tableName]: pending } }));
        pending = (result.UnprocessedItems?.[tableName] ?? []) as WriteRequest[];
      } catch (error) {
        throw translateDynamoDbError(error, what);
      }
      return pending.length === 0 ? { done: true, value: undefined } : { done: false };
    });
  });
}

/** Reads the items of these keys (strongly consistent), 100 keys a request, several at once; absent items are left out. */
export async function batchGet(client: DynamoDBDocumentClient, tableName: string, keys: ReadonlyArray<Record<string, unknown>>, what: string): Promise<Array<Record<string, unknown>>> {
  const items: Array<Record<string, unknown>> = [];
  await inBatches(keys, GET_BATCH, async (batch) => {
    let pending: Array<Record<string, unknown>> | undefined = batch;
    await retryWithJitter(`${what} (keys left unprocessed)`, async () => {
      try {
        const result = await client.send(new BatchGetCommand({ RequestItems: { [tableName]: { Keys: pending, ConsistentRead: true } } }));
        items.push(...((result.Responses?.[tableName] ?? []) as Array<Record<string, unknown>>));
        pending = result.UnprocessedKeys?.[tableName]?.Keys as Array<Record<string, unknown>> | undefined;
      } catch (error) {
        throw translateDynamoDbError(error, what);
      }
      return pending && pending.length > 0 ? { done: false } : { done: true, value: undefined };
    });
  });
  return items;
}

function inBatches<T>(all: readonly T[], size: number, send: (batch: T[]) => Promise<void>): Promise<void[]> {
  const batches: T[][] = [];
  for (let start = 0; start < all.length; start += size) batches.push(all.slice(start, start + size));
  return mapConcurrent(batches, BATCHES_AT_ONCE, send);
}
