import { QueryCommand, type DynamoDBDocumentClient, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import { translateDynamoDbError } from './errors';

/** Every item a Query matches, page after page; a page that fails is our storage error naming `what`. */
export async function* queryItems(client: DynamoDBDocumentClient, input: QueryCommandInput, what: string): AsyncGenerator<Record<string, unknown>> {
  let startKey = input.ExclusiveStartKey;
  do {
    let page;
    try {
      page = await client.send(new QueryCommand({ ...input, ...(startKey ? { ExclusiveStartKey: startKey } : {}) }));
    } catch (error) {
      throw translateDynamoDbError(error, what);
    }
    yield* page.Items ?? [];
    startKey = page.LastEvaluatedKey;
  } while (startKey);
}

/** All of `queryItems`, mapped. */
export async function queryAll<T>(client: DynamoDBDocumentClient, input: QueryCommandInput, what: string, map: (item: Record<string, unknown>) => T): Promise<T[]> {
  const results: T[] = [];
  for await (const item of queryItems(client, input, what)) results.push(map(item));
  return results;
}
