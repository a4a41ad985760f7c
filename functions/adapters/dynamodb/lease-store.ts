import { DeleteCommand, GetCommand, PutCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Clock, LeaseAttempt, LeaseStore } from '../../core/jobs/ports';
import { LeaseLostError } from '../../core/jobs/errors';
import { conditionFailureItem, isConditionalCheckFailure, translateDynamoDbError } from './errors';
import { leaseId } from './keys';

/** Expired leases linger a day for whoever inspects them, then TTL removes them. */
const LINGER_SECONDS = 24 * 3600;

/**
 * Single-flight leases as items of the Jobs table (`lease#<name>`): one conditional PutItem takes
 * a free, expired or already-owned lease; renewal and release check the owner.
 */
export class DynamoDbLeaseStore implements LeaseStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly clock: Clock,
  ) {}

  async acquire(name: string, owner: string, ttlMs: number): Promise<LeaseAttempt> {
    const now = this.clock.now().getTime();
    const until = now + ttlMs;
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            id: leaseId(name),
            owner,
            leaseUntil: until,
            leaseUntilIso: new Date(until).toISOString(),
            acquiredAt: new Date(now).toISOString(),
            expiresAt: Math.ceil(until / 1000) + LINGER_SECONDS,
          },
          ConditionExpression: 'attribute_not_exists(id) OR leaseUntil < :now OR #owner = :owner',
          ExpressionAttributeNames: { '#owner': 'owner' },
          ExpressionAttributeValues: { ':now': now, ':owner': owner },
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      );
      return { acquired: true, until: new Date(until) };
    } catch (error) {
      if (isConditionalCheckFailure(error)) {
        const holder = conditionFailureItem(error);
        return {
          acquired: false,
          holder: typeof holder?.['owner'] === 'string' ? holder['owner'] : 'unknown',
          until: new Date(typeof holder?.['leaseUntil'] === 'number' ? holder['leaseUntil'] : now),
        };
      }
      throw translateDynamoDbError(error, `acquiring lease ${name}`);
    }
  }

  async renew(name: string, owner: string, ttlMs: number): Promise<Date> {
    const now = this.clock.now().getTime();
    const until = now + ttlMs;
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { id: leaseId(name) },
          UpdateExpression: 'SET leaseUntil = :until, leaseUntilIso = :untilIso, expiresAt = :expiresAt',
          ConditionExpression: '#owner = :owner AND leaseUntil >= :now',
          ExpressionAttributeNames: { '#owner': 'owner' },
          ExpressionAttributeValues: {
            ':until': until,
            ':untilIso': new Date(until).toISOString(),
            ':expiresAt': Math.ceil(until / 1000) + LINGER_SECONDS,
            ':owner': owner,
            ':now': now,
          },
        }),
      );
      return new Date(until);
    } catch (error) {
      if (isConditionalCheckFailure(error)) throw new LeaseLostError(name, owner, { cause: error });
      throw translateDynamoDbError(error, `renewing lease ${name}`);
    }
  }

  async holder(name: string): Promise<{ owner: string; until: Date } | undefined> {
    try {
      const { Item: item } = await this.client.send(new GetCommand({ TableName: this.tableName, Key: { id: leaseId(name) }, ConsistentRead: true }));
      if (typeof item?.['owner'] !== 'string' || typeof item['leaseUntil'] !== 'number') return undefined;
      if (item['leaseUntil'] < this.clock.now().getTime()) return undefined;
      return { owner: item['owner'], until: new Date(item['leaseUntil']) };
    } catch (error) {
      throw translateDynamoDbError(error, `reading lease ${name}`);
    }
  }

  async release(name: string, owner: string): Promise<void> {
    try {
      await this.client.send(
        new DeleteCommand({
          TableName: this.tableName,
          Key: { id: leaseId(name) },
          ConditionExpression: '#owner = :owner',
          ExpressionAttributeNames: { '#owner': 'owner' },
          ExpressionAttributeValues: { ':owner': owner },
        }),
      );
    } catch (error) {
      if (isConditionalCheckFailure(error)) throw new LeaseLostError(name, owner, { cause: error });
      throw translateDynamoDbError(error, `releasing lease ${name}`);
    }
  }
}
