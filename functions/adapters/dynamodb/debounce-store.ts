import { UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { DebounceStore } from '../../core/jobs/ports';
import { isConditionalCheckFailure, translateDynamoDbError } from './errors';
import { debounceId } from './keys';

/** An idle mark is forgotten after a week; a missing mark behaves exactly like a cleared one. */
const IDLE_TTL_SECONDS = 7 * 86_400;

/**
 * Debounce marks as items of the Jobs table (`debounce#<name>`). They have no `type`, `status`
 * or `createdAt`, so they never show up in the run indexes. Both moves are one conditional
 * UpdateItem: there is no read-then-write anywhere.
 */
export class DynamoDbDebounceStore implements DebounceStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async arm(name: string, request: { now: Date; dueAt: Date; windowMs: number; staleBefore: Date }): Promise<boolean> {
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { id: debounceId(name) },
          UpdateExpression: 'SET pending = :true, dueAt = :dueAt, dueAtMs = :dueAtMs, windowMs = :windowMs, requestedAt = :now, expiresAt = :expiresAt',
          ConditionExpression: 'attribute_not_exists(id) OR pending = :false OR dueAtMs < :staleBefore',
          ExpressionAttributeValues: {
            ':true': true,
            ':false': false,
            ':dueAt': request.dueAt.toISOString(),
            ':dueAtMs': request.dueAt.getTime(),
            ':windowMs': request.windowMs,
            ':now': request.now.toISOString(),
            ':staleBefore': request.staleBefore.getTime(),
            ':expiresAt': Math.floor(request.now.getTime() / 1000) + IDLE_TTL_SECONDS,
          },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionalCheckFailure(error)) return false;
      throw translateDynamoDbError(error, `arming debounce ${name}`);
    }
  }

  async begin(name: string, now: Date): Promise<{ wasPending: boolean; windowMs?: number }> {
    try {
      const { Attributes } = await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { id: debounceId(name) },
          UpdateExpression: 'SET pending = :false, startedAt = :now',
          ConditionExpression: 'pending = :true',
          ExpressionAttributeValues: { ':true': true, ':false': false, ':now': now.toISOString() },
          ReturnValues: 'ALL_OLD',
        }),
      );
      const windowMs: unknown = Attributes?.['windowMs'];
      return { wasPending: true, ...(typeof windowMs === 'number' ? { windowMs } : {}) };
    } catch (error) {
      if (isConditionalCheckFailure(error)) return { wasPending: false };
      throw translateDynamoDbError(error, `starting debounced ${name}`);
    }
  }
}
