import { GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { WatchState } from '../../core/proofs/hourly-watch';
import type { WatchStore } from '../../core/proofs/ports';
import { isConditionalCheckFailure, translateDynamoDbError } from './errors';

/** Hourly watch items of the Analytics table: `pk = watch`, `sk = <check id>`, the state as `state`. */
export const WATCH_PK = 'watch';

/** One item per watched check; each write is conditioned on the version it read. */
export class DynamoDbWatchStore implements WatchStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async get(checkId: string): Promise<WatchState | undefined> {
    try {
      const result = await this.client.send(new GetCommand({ TableName: this.tableName, Key: { pk: WATCH_PK, sk: checkId }, ConsistentRead: true }));
      return result.Item ? (result.Item['state'] as WatchState) : undefined;
    } catch (error) {
      throw translateDynamoDbError(error, `reading the hourly watch of ${checkId}`);
    }
  }

  async put(state: WatchState, readVersion: number): Promise<boolean> {
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { pk: WATCH_PK, sk: state.checkId, version: state.version, state },
          ...(readVersion === 0
            ? { ConditionExpression: 'attribute_not_exists(pk)' }
            : { ConditionExpression: 'version = :read', ExpressionAttributeValues: { ':read': readVersion } }),
        }),
      );
      return true;
    } catch (error) {
      if (isConditionalCheckFailure(error)) return false;
      throw translateDynamoDbError(error, `writing the hourly watch of ${state.checkId}`);
    }
  }
}
