import { QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { jobTypes } from '../../core/jobs/job-types';
import type { JobRecord } from '../../core/jobs/record';
import type { JobPage, JobQuery } from '../../core/jobs/ports';
import { NightshiftError } from '../../core/errors';
import { JOBS_BY_STATUS_INDEX, JOBS_BY_TYPE_INDEX } from './tables';
import { translateDynamoDbError } from './errors';

export class InvalidCursorError extends NightshiftError {
  constructor(options?: { cause?: unknown }) {
    super('invalid_cursor', 'cursor is not one this API issued (start again without it)', options);
  }
}

/** One index partition to read newest first: all runs of a type, or all runs in a status. */
interface Partition {
  index: string;
  keyName: 'type' | 'status';
  keyValue: string;
}

/** Per partition: the last item handed out (its index key), `null` before the first, `false` when exhausted. */
type Position = Record<string, unknown> | null | false;

/**
 * Lists runs newest first through the GSIs. With a type or a status it reads one partition;
 * with neither it merges the per-type partitions (a k-way merge), so no request ever scans.
 * The opaque cursor holds where each partition stopped, so pages never repeat or skip a run,
 * however DynamoDB's 1 MB pages and filters split the reads.
 */
export async function listJobs(client: DynamoDBDocumentClient, tableName: string, query: JobQuery): Promise<JobPage> {
  const partitions = partitionsFor(query);
  const positions = query.cursor ? decodeCursor(query.cursor, partitions.length) : partitions.map((): Position => null);
  const buffers = await Promise.all(
    partitions.map((partition, i) => readPartition(client, tableName, partition, positions[i] ?? null, query)),
  );

  const items: JobRecord[] = [];
  const cursors = buffers.map((buffer) => ({ ...buffer, taken: 0 }));
  while (items.length < query.limit) {
    let best = -1;
    for (let i = 0; i < cursors.length; i += 1) {
      const candidate = cursors[i]!.items[cursors[i]!.taken];
      const current = best >= 0 ? cursors[best]!.items[cursors[best]!.taken] : undefined;
      if (candidate && (!current || newerThan(candidate, current))) best = i;
    }
    if (best < 0) break;
    const chosen = cursors[best]!;
    items.push(chosen.items[chosen.taken]!);
    chosen.taken += 1;
  }

  const next: Position[] = cursors.map((c, i) => {
    if (c.taken === c.items.length && c.exhausted) return false;
    if (c.taken === 0) return positions[i] ?? null;
    return indexKey(c.items[c.taken - 1]!, partitions[i]!);
  });
  const more = cursors.some((c, i) => c.taken < c.items.length || (next[i] !== false && !c.exhausted));
  return more ? { items, nextCursor: encodeCursor(next) } : { items };
}

function partitionsFor(query: JobQuery): Partition[] {
  if (query.type) return [{ index: JOBS_BY_TYPE_INDEX, keyName: 'type', keyValue: query.type }];
  if (query.status) return [{ index: JOBS_BY_STATUS_INDEX, keyName: 'status', keyValue: query.status }];
  return jobTypes.map((type) => ({ index: JOBS_BY_TYPE_INDEX, keyName: 'type' as const, keyValue: type }));
}

/** Reads up to `limit` matching runs of one partition after `position`, following LastEvaluatedKey. */
async function readPartition(
  client: DynamoDBDocumentClient,
  tableName: string,
  partition: Partition,
  position: Position,
  query: JobQuery,
): Promise<{ items: JobRecord[]; exhausted: boolean }> {
  if (position === false) return { items: [], exhausted: true };
  const names: Record<string, string> = { '#pk': partition.keyName };
  if (query.since || query.until) names['#createdAt'] = 'createdAt';
  const values: Record<string, unknown> = { ':pk': partition.keyValue };
  let keyCondition = '#pk = :pk';
  if (query.since && query.until) {
    keyCondition += ' AND #createdAt BETWEEN :since AND :until';
    Object.assign(values, { ':since': query.since, ':until': query.until });
  } else if (query.since) {
    keyCondition += ' AND #createdAt >= :since';
    values[':since'] = query.since;
  } else if (query.until) {
    keyCondition += ' AND #createdAt <= :until';
    values[':until'] = query.until;
  }
  let filter: string | undefined;
  if (query.type && query.status) {
    filter = '#status = :status';
    names['#status'] = 'status';
    values[':status'] = query.status;
  }

  const items: JobRecord[] = [];
  let startKey = position ?? undefined;
  try {
    do {
      const page = await client.send(
        new QueryCommand({
          TableName: tableName,
          IndexName: partition.index,
          KeyConditionExpression: keyCondition,
          FilterExpression: filter,
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
          ScanIndexForward: false,
          Limit: query.limit - items.length,
          ExclusiveStartKey: startKey,
        }),
      );
      items.push(...((page.Items ?? []) as JobRecord[]));
      startKey = page.LastEvaluatedKey;
    } while (startKey && items.length < query.limit);
  } catch (error) {
    throw translateDynamoDbError(error, `listing jobs by ${partition.keyName}`);
  }
  return { items, exhausted: startKey === undefined };
}

function newerThan(a: JobRecord, b: JobRecord): boolean {
  return a.createdAt === b.createdAt ? a.id > b.id : a.createdAt > b.createdAt;
}

function indexKey(item: JobRecord, partition: Partition): Record<string, unknown> {
  return { id: item.id, createdAt: item.createdAt, [partition.keyName]: partition.keyName === 'type' ? item.type : item.status };
}

function encodeCursor(positions: Position[]): string {
  return Buffer.from(JSON.stringify(positions), 'utf8').toString('base64url');
}

function decodeCursor(cursor: string, expected: number): Position[] {
  let positions: unknown;
  try {
    positions = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch (error) {
    throw new InvalidCursorError({ cause: error });
  }
  const valid =
    Array.isArray(positions) &&
    positions.length === expected &&
    positions.every(
      (p) =>
        p === null ||
        p === false ||
        (typeof p === 'object' && typeof p.id === 'string' && typeof p.createdAt === 'string' && Object.keys(p).length === 3),
    );
  if (!valid) throw new InvalidCursorError();
  return positions as Position[];
}
