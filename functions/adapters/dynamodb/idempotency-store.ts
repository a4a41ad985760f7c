import { DeleteCommand, PutCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { IdempotencyRecord, IdempotencyStore, Reservation } from '../../core/jobs/idempotency';
import { conditionFailureItem, isConditionalCheckFailure, translateDynamoDbError } from './errors';
import { idempotencyId } from './keys';

/** Idempotency keys as items of the Jobs table (`idem#<hash of route, token name and key>`), TTL'd. */
export class DynamoDbIdempotencyStore implements IdempotencyStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async reserve(id: string, record: IdempotencyRecord, staleBefore: Date, expiresAt: number): Promise<Reservation> {
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { id: idempotencyId(id), fingerprint: record.fingerprint, createdAt: record.createdAt, expiresAt },
          ConditionExpression: 'attribute_not_exists(id) OR (attribute_not_exists(#result) AND createdAt < :staleBefore)',
          ExpressionAttributeNames: { '#result': 'result' },
          ExpressionAttributeValues: { ':staleBefore': staleBefore.toISOString() },
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      );
      return { reserved: true };
    } catch (error) {
      if (!isConditionalCheckFailure(error)) throw translateDynamoDbError(error, 'reserving an idempotency key');
      const item = conditionFailureItem(error) ?? {};
      return {
        reserved: false,
        existing: {
          fingerprint: String(item['fingerprint']),
          createdAt: String(item['createdAt']),
          ...(typeof item['result'] === 'string' ? { result: item['result'] } : {}),
        },
      };
    }
  }

  async complete(id: string, result: string): Promise<void> {
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { id: idempotencyId(id) },
          UpdateExpression: 'SET #result = :result',
          ConditionExpression: 'attribute_exists(id)',
          ExpressionAttributeNames: { '#result': 'result' },
          ExpressionAttributeValues: { ':result': result },
        }),
      );
    } catch (error) {
      throw translateDynamoDbError(error, 'recording what the request of an idempotency key did');
    }
  }

  async release(id: string): Promise<void> {
    try {
      await this.client.send(
        new DeleteCommand({
          TableName: this.tableName,
          Key: { id: idempotencyId(id) },
          ConditionExpression: 'attribute_not_exists(#result)',
          ExpressionAttributeNames: { '#result': 'result' },
        }),
      );
    } catch (error) {
      if (isConditionalCheckFailure(error)) return;
      throw translateDynamoDbError(error, 'releasing an idempotency key');
    }
  }
}
