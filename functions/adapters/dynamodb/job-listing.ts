import { QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod/mini';
import '../../core/zod-mini-english';
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

/** Per partition: the last run handed out, `null` before the first, `false` when exhausted. */
const positionSchema = z.union([z.strictObject({ createdAt: z.string(), id: z.string() }), z.null(), z.literal(false)]);
type Position = z.infer<typeof positionSchema>;

/**
 * Lists runs newest first (by `createdAt`, then `id`) through the GSIs. With a type or a status it
 * reads one partition; with neither it merges the per-type partitions (a k-way merge), so no
 * request ever scans. The opaque cursor holds the last run handed out per partition, so pages
 * never repeat or skip a run, however DynamoDB's 1 MB pages and filters split the reads.
 *
 * An index does not order runs that share a `createdAt` (DynamoDB Local returns them in no id
 * order), so a partition is read on until its last `createdAt` group is complete, each group is
 * sorted by id, and the next page starts again at the cursor's `createdAt`, dropping the ids
 * already handed out, rather than from a DynamoDB `ExclusiveStartKey`. Without a type or status
 * filter every type of `jobTypes` (the catalog's) is a partition, in that order.
 */
export async function listJobs(client: DynamoDBDocumentClient, tableName: string, jobTypes: readonly string[], query: JobQuery): Promise<JobPage> {
  const partitions = partitionsFor(query, jobTypes);
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
    const last = c.items[c.taken - 1]!;
    return { createdAt: last.createdAt, id: last.id };
  });
  const more = cursors.some((c, i) => c.taken < c.items.length || (next[i] !== false && !c.exhausted));
  return more ? { items, nextCursor: encodeCursor(next) } : { items };
}

function partitionsFor(query: JobQuery, jobTypes: readonly string[]): Partition[] {
  if (query.type) return [{ index: JOBS_BY_TYPE_INDEX, keyName: 'type', keyValue: query.type }];
  if (query.status) return [{ index: JOBS_BY_STATUS_INDEX, keyName: 'status', keyValue: query.status }];
  return jobTypes.map((type) => ({ index: JOBS_BY_TYPE_INDEX, keyName: 'type' as const, keyValue: type }));
}

/**
 * Reads at least `limit` matching runs of one partition after `position` (fewer when it runs out),
 * newest first, following LastEvaluatedKey, and only whole `createdAt` groups, each sorted by id.
 */
async function readPartition(
  client: DynamoDBDocumentClient,
  tableName: string,
  partition: Partition,
  position: Position,
  query: JobQuery,
): Promise<{ items: JobRecord[]; exhausted: boolean }> {
  if (position === false) return { items: [], exhausted: true };
  const upper = position && (query.until === undefined || position.createdAt < query.until) ? position.createdAt : query.until;
  if (query.since && upper && upper < query.since) return { items: [], exhausted: true };
  const names: Record<string, string> = { '#pk': partition.keyName };
  if (query.since || upper) names['#createdAt'] = 'createdAt';
  const values: Record<string, unknown> = { ':pk': partition.keyValue };
  let keyCondition = '#pk = :pk';
  if (query.since && upper) {
    keyCondition += ' AND #createdAt BETWEEN :since AND :until';
    Object.assign(values, { ':since': query.since, ':until': upper });
  } else if (query.since) {
    keyCondition += ' AND #createdAt >= :since';
    values[':since'] = query.since;
  } else if (upper) {
    keyCondition += ' AND #createdAt <= :until';
    values[':until'] = upper;
  }
  let filter: string | undefined;
  if (query.type && query.status) {
    filter = '#status = :status';
    names['#status'] = 'status';
    values[':status'] = query.status;
  }

  const items: JobRecord[] = [];
  // Runs newer than the last one DynamoDB evaluated are complete groups; `undefined` once exhausted.
  let frontier: string | undefined;
  let complete: number;
  let startKey: Record<string, unknown> | undefined;
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
          // One run more than needed shows whether the last group goes on.
          Limit: query.limit + 1,
          ExclusiveStartKey: startKey,
        }),
      );
      for (const item of (page.Items ?? []) as JobRecord[]) {
        if (position && item.createdAt === position.createdAt && item.id >= position.id) continue;
        items.push(item);
      }
      startKey = page.LastEvaluatedKey;
      frontier = typeof startKey?.['createdAt'] === 'string' ? startKey['createdAt'] : undefined;
      complete = startKey ? items.filter((item) => frontier !== undefined && item.createdAt > frontier).length : items.length;
    } while (startKey && complete < query.limit);
  } catch (error) {
    throw translateDynamoDbError(error, `listing jobs by ${partition.keyName}`);
  }
  // Items arrive newest `createdAt` first, so the complete groups are a prefix.
  return { items: items.slice(0, complete).sort((a, b) => (newerThan(a, b) ? -1 : 1)), exhausted: startKey === undefined };
}

function newerThan(a: JobRecord, b: JobRecord): boolean {
  return a.createdAt === b.createdAt ? a.id > b.id : a.createdAt > b.createdAt;
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
  const parsed = z.array(positionSchema).check(z.length(expected)).safeParse(positions);
  if (!parsed.success) throw new InvalidCursorError();
  return parsed.data;
}
