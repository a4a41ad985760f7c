import { QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { SnapshotItem, SnapshotPeriodName } from '../../core/snapshots/document';
import type { SnapshotPage, SnapshotQuery, SnapshotStore } from '../../core/snapshots/ports';
import { batchWrite, type WriteRequest } from './batch-write';
import { translateDynamoDbError } from './errors';
import { queryAll } from './query-items';
import { InvalidCursorError } from './job-listing';

/**
 * Snapshot items in the Analytics table: `pk = snapshot#<daily|weekly|monthly>`,
 * `sk = <period start day>#<scope>`, so a range of periods is one key-range query and every
 * scope of a period sits together. The item's other attributes are the snapshot as written.
 */
const pkOf = (periodType: SnapshotPeriodName): string => `snapshot#${periodType}`;
const skOf = (periodStart: string, scope: string): string => `${periodStart}#${scope}`;
/** Sorts after every scope of a day: scopes are printable text. */
const AFTER_ALL_SCOPES = '#\u{10FFFF}';

export class DynamoDbSnapshotStore implements SnapshotStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async replacePeriod(periodType: SnapshotPeriodName, periodStart: string, items: readonly SnapshotItem[]): Promise<{ written: number; deleted: number }> {
    const pk = pkOf(periodType);
    const existing = await this.sortKeysWithPrefix(pk, `${periodStart}#`);
    const kept = new Set(items.map((item) => skOf(periodStart, item.scope)));
    const requests: WriteRequest[] = items.map((item) => ({ PutRequest: { Item: { pk, sk: skOf(periodStart, item.scope), ...item } } }));
    const stale = existing.filter((sk) => !kept.has(sk));
    requests.push(...stale.map((sk): WriteRequest => ({ DeleteRequest: { Key: { pk, sk } } })));
    await batchWrite(this.client, this.tableName, requests, `writing the ${periodType} snapshot of ${periodStart}`);
    return { written: items.length, deleted: stale.length };
  }

  async list(query: SnapshotQuery): Promise<SnapshotPage> {
    const pk = pkOf(query.periodType);
    let startKey: Record<string, unknown> | undefined = query.cursor ? { pk, sk: decodeCursor(query.cursor) } : undefined;
    const items: SnapshotItem[] = [];
    while (items.length < query.limit) {
      const page = await this.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
          ...(query.scope !== undefined ? { FilterExpression: '#scope = :scope', ExpressionAttributeNames: { '#scope': 'scope' } } : {}),
          ExpressionAttributeValues: { ':pk': pk, ':from': `${query.from}#`, ':to': `${query.to}${AFTER_ALL_SCOPES}`, ...(query.scope !== undefined ? { ':scope': query.scope } : {}) },
          Limit: query.limit - items.length,
          ...(startKey ? { ExclusiveStartKey: startKey } : {}),
        }),
        'listing snapshots',
      );
      for (const raw of page.Items ?? []) items.push(toItem(raw));
      startKey = page.LastEvaluatedKey;
      if (!startKey) return { items };
    }
    return { items, nextCursor: encodeCursor(String(startKey?.['sk'])) };
  }

  private sortKeysWithPrefix(pk: string, prefix: string): Promise<string[]> {
    return queryAll(
      this.client,
      {
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: { ':pk': pk, ':prefix': prefix },
        ProjectionExpression: 'sk',
        ConsistentRead: true,
      },
      'reading a snapshot period',
      (item) => String(item['sk']),
    );
  }

  private async send(command: QueryCommand, what: string) {
    try {
      return await this.client.send(command);
    } catch (error) {
      throw translateDynamoDbError(error, what);
    }
  }
}

function toItem(raw: Record<string, unknown>): SnapshotItem {
  const { pk: _pk, sk: _sk, ...item } = raw;
  return item as unknown as SnapshotItem;
}

function encodeCursor(sk: string): string {
  return Buffer.from(JSON.stringify({ sk }), 'utf8').toString('base64url');
}

function decodeCursor(cursor: string): string {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (typeof parsed === 'object' && parsed !== null && typeof (parsed as { sk?: unknown }).sk === 'string') return (parsed as { sk: string }).sk;
  } catch (error) {
    throw new InvalidCursorError({ cause: error });
  }
  throw new InvalidCursorError();
}
