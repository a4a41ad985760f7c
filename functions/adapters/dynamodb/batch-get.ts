import { BatchGetCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { translateDynamoDbError } from './errors';
import { retryWithJitter } from './retry';

/** BatchGetItem's limit on keys per request. */
const KEYS_PER_REQUEST = 100;

/**
 * The items of a table keyed by `id` with these ids, strongly consistent, 100 keys a request,
 * keys left unprocessed asked again with jitter. Missing items are simply absent.
 */
export async function batchGetByIds(client: DynamoDBDocumentClient, tableName: string, ids: readonly string[], what: string): Promise<Record<string, unknown>[]> {
  const unique = [...new Set(ids)];
  const items: Record<string, unknown>[] = [];
  for (let start = 0; start < unique.length; start += KEYS_PER_REQUEST) {
    let keys: Record<string, unknown>[] | undefined = unique.slice(start, start + KEYS_PER_REQUEST).map((id) => ({ id }));
    await retryWithJitter(`reading ${what} (keys left unprocessed)`, async () => {
      try {
        const result = await client.send(new BatchGetCommand({ RequestItems: { [tableName]: { Keys: keys, ConsistentRead: true } } }));
        items.push(...((result.Responses?.[tableName] ?? []) as Record<string, unknown>[]));
        keys = result.UnprocessedKeys?.[tableName]?.Keys as Record<string, unknown>[] | undefined;
      } catch (error) {
        throw translateDynamoDbError(error, `reading ${what}`);
      }
      return keys && keys.length > 0 ? { done: false } : { done: true, value: undefined };
    });
  }
  return items;
}
