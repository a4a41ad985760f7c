import { createHash, randomUUID } from 'node:crypto';
import {
  DeleteCommand,
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
  type DynamoDBDocumentClient,
  type QueryCommandInput,
} from '@aws-sdk/lib-dynamodb';
import type { ArtifactStore } from '../../core/jobs/ports';
import { decodeGroups, encodeGroups } from '../../core/rollup/encoding';
import { OTHER_DIMS_KEY, dimsKeyOf, type GroupTotals } from '../../core/rollup/groups';
import type {
  DailyStat,
  DailyStatsChanges,
  DayMeta,
  HourKey,
  HourPartial,
  HourSummary,
  MetricDay,
  NewContribution,
  RollupStore,
  StoredContribution,
} from '../../core/rollup/ports';
import { StorageFailedError } from '../../core/storage/errors';
import { NO_DIMS_SK, STATS_META_SK, rollupPk, statsSortKey } from './analytics-keys';
import { batchWrite, type WriteRequest } from './batch-write';
import { cancellationReasons, isConditionalCheckFailure, translateDynamoDbError } from './errors';
import { retryingConflicts } from './retry';

/**
 * Groups bigger than this (compressed) go to the artifacts bucket and the item points at them,
 * leaving room under DynamoDB's 400 KB item limit for the other attributes.
 */
const INLINE_GROUPS_BYTES = 300 * 1024;

type Item = Record<string, unknown>;

/** The rollup's items in the Analytics table (layout in `analytics-keys.ts`). */
export class DynamoDbRollupStore implements RollupStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    /** Where groups too big for an item are kept. */
    private readonly artifacts: ArtifactStore,
  ) {}

  async pendingHours(): Promise<Map<HourKey, string[]>> {
    const pending = new Map<HourKey, string[]>();
    const items = this.query({ pk: rollupPk.pending }, 'reading pending rollup hours', { ProjectionExpression: '#sk, #hour', ExpressionAttributeNames: { '#sk': 'sk', '#hour': 'hour' } });
    for await (const item of items) {
      const hour = text(item, 'hour');
      const marks = pending.get(hour) ?? [];
      marks.push(text(item, 'sk'));
      pending.set(hour, marks);
    }
    return pending;
  }

  async markWritten(hours: readonly HourKey[], at: Date): Promise<void> {
    const markedAt = at.toISOString();
    const requests: WriteRequest[] = [...new Set(hours)].map((hour) => ({
      PutRequest: { Item: { pk: rollupPk.written, sk: hour, token: randomUUID(), markedAt } },
    }));
    await batchWrite(this.client, this.tableName, requests, 'marking the hours ingest wrote');
  }

  async writtenHours(): Promise<Map<HourKey, string>> {
    const marks = new Map<HourKey, string>();
    const items = this.query({ pk: rollupPk.written }, 'reading the hours ingest wrote', { ProjectionExpression: '#sk, #token', ExpressionAttributeNames: { '#sk': 'sk', '#token': 'token' } });
    for await (const item of items) marks.set(text(item, 'sk'), text(item, 'token'));
    return marks;
  }

  async clearWritten(hour: HourKey, token: string): Promise<boolean> {
    try {
      await this.client.send(
        new DeleteCommand({
          TableName: this.tableName,
          Key: { pk: rollupPk.written, sk: hour },
          ConditionExpression: '#token = :token',
          ExpressionAttributeNames: { '#token': 'token' },
          ExpressionAttributeValues: { ':token': token },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionalCheckFailure(error)) return false;
      throw translateDynamoDbError(error, `clearing the written mark of ${hour}`);
    }
  }

  async unfinishedHours(): Promise<Set<HourKey>> {
    const [written, pending] = await Promise.all([this.writtenHours(), this.pendingHours()]);
    return new Set([...written.keys(), ...pending.keys()]);
  }

  async absorbedObjects(hour: HourKey): Promise<Map<string, string>> {
    const absorbed = new Map<string, string>();
    const items = this.query({ pk: rollupPk.object(hour) }, `reading absorbed objects of ${hour}`, { ProjectionExpression: '#sk, etag', ExpressionAttributeNames: { '#sk': 'sk' } });
    for await (const item of items) absorbed.set(text(item, 'sk'), text(item, 'etag'));
    return absorbed;
  }

  async absorb(hour: HourKey, contribution: NewContribution): Promise<'absorbed' | 'already_absorbed'> {
    const what = `absorbing ${contribution.key}`;
    // Names this object version: its pending mark's key (unique per version, so clearing the
    // marks a run read never clears a newer absorb's) and its spilled groups' key.
    const id = createHash('sha256').update(`${contribution.key}\n${contribution.etag}`).digest('hex').slice(0, 32);
    const groups = await this.groupsAttributes(contribution.groups, `rollup/contributions/${hour}/${id}.json.gz`);
    const item: Item = {
      pk: rollupPk.object(hour),
      sk: contribution.key,
      hour,
      etag: contribution.etag,
      size: contribution.size,
      lines: contribution.lines,
      events: contribution.events,
      malformed: contribution.malformed,
      unknownMetric: contribution.unknownMetric,
      bytes: contribution.bytes,
      absorbedAt: contribution.absorbedAt,
      jobId: contribution.jobId,
      ...(contribution.refused !== undefined ? { refused: contribution.refused } : {}),
      ...groups,
    };
    return retryingConflicts(what, async () => {
      try {
        await this.client.send(
          new TransactWriteCommand({
            TransactItems: [
              {
                Put: {
                  TableName: this.tableName,
                  Item: item,
                  ConditionExpression: 'attribute_not_exists(pk) OR etag <> :etag',
                  ExpressionAttributeValues: { ':etag': contribution.etag },
                },
              },
              {
                // One mark per object version, not one per hour: concurrent absorbs in the same
                // hour would otherwise all conflict on that one item.
                Put: {
                  TableName: this.tableName,
                  Item: { pk: rollupPk.pending, sk: `${hour}#${id}`, hour, key: contribution.key, etag: contribution.etag, markedAt: contribution.absorbedAt },
                },
              },
            ],
          }),
        );
        return 'absorbed' as const;
      } catch (error) {
        // The contribution of this object version is already in: not a failure, and not retried.
        if (cancellationReasons(error)?.[0]?.Code === 'ConditionalCheckFailed') return 'already_absorbed' as const;
        throw error;
      }
    });
  }

  async *contributions(hour: HourKey): AsyncIterable<StoredContribution> {
    for await (const item of this.query({ pk: rollupPk.object(hour) }, `reading contributions of ${hour}`)) {
      yield {
        key: text(item, 'sk'),
        etag: text(item, 'etag'),
        lines: number(item, 'lines'),
        events: number(item, 'events'),
        malformed: number(item, 'malformed'),
        unknownMetric: number(item, 'unknownMetric'),
        bytes: number(item, 'bytes'),
        groups: await this.readGroups(item),
      };
    }
  }

  async hourSummary(hour: HourKey): Promise<HourSummary | undefined> {
    let item: Item | undefined;
    try {
      ({ Item: item } = await this.client.send(new GetCommand({ TableName: this.tableName, Key: { pk: rollupPk.hours, sk: hour }, ConsistentRead: true })));
    } catch (error) {
      throw translateDynamoDbError(error, `reading the summary of ${hour}`);
    }
    if (!item) return undefined;
    const partials = item['partials'];
    if (!Array.isArray(partials)) throw corrupt(item, 'partials');
    return {
      hour,
      partials: partials.map((entry: unknown) => ({ metric: text(entry as Item, 'metric'), day: text(entry as Item, 'day') })),
      objects: number(item, 'objects'),
      events: number(item, 'events'),
      malformed: number(item, 'malformed'),
      unknownMetric: number(item, 'unknownMetric'),
      updatedAt: text(item, 'updatedAt'),
    };
  }

  async putHourSummary(summary: HourSummary): Promise<void> {
    try {
      await this.client.send(new PutCommand({ TableName: this.tableName, Item: { pk: rollupPk.hours, sk: summary.hour, ...summary } }));
    } catch (error) {
      throw translateDynamoDbError(error, `writing the summary of ${summary.hour}`);
    }
  }

  async putPartials(partials: readonly HourPartial[]): Promise<void> {
    const requests: WriteRequest[] = [];
    for (const partial of partials) {
      const groups = await this.groupsAttributes(partial.groups, `rollup/partials/${partial.metric}/${partial.day}/${partial.hour}.json.gz`);
      requests.push({
        PutRequest: {
          Item: {
            pk: rollupPk.partial(partial),
            sk: partial.hour,
            metric: partial.metric,
            day: partial.day,
            hour: partial.hour,
            events: partial.events,
            updatedAt: partial.updatedAt,
            ...groups,
          },
        },
      });
    }
    await batchWrite(this.client, this.tableName, requests, 'writing hour partials');
  }

  async deletePartials(hour: HourKey, metricDays: readonly MetricDay[]): Promise<void> {
    const requests: WriteRequest[] = metricDays.map((metricDay) => ({ DeleteRequest: { Key: { pk: rollupPk.partial(metricDay), sk: hour } } }));
    await batchWrite(this.client, this.tableName, requests, `deleting stale partials of ${hour}`);
  }

  async partialsOf(metricDay: MetricDay): Promise<HourPartial[]> {
    const partials: HourPartial[] = [];
    for await (const item of this.query({ pk: rollupPk.partial(metricDay) }, `reading partials of ${metricDay.metric} ${metricDay.day}`)) {
      partials.push({
        metric: metricDay.metric,
        day: metricDay.day,
        hour: text(item, 'sk'),
        events: number(item, 'events'),
        updatedAt: text(item, 'updatedAt'),
        groups: await this.readGroups(item),
      });
    }
    return partials;
  }

  async clearPending(hour: HourKey, marks: readonly string[]): Promise<void> {
    const requests: WriteRequest[] = marks.map((sk) => ({ DeleteRequest: { Key: { pk: rollupPk.pending, sk } } }));
    await batchWrite(this.client, this.tableName, requests, `clearing the pending marks of ${hour}`);
  }

  async dailyStats(metricDay: MetricDay, consistent = true): Promise<{ items: DailyStat[]; meta: DayMeta | undefined }> {
    const items: DailyStat[] = [];
    let meta: DayMeta | undefined;
    const query = this.query({ pk: rollupPk.stats(metricDay) }, `reading stats of ${metricDay.metric} ${metricDay.day}`, {}, consistent);
    for await (const item of query) {
      if (item['sk'] === STATS_META_SK) meta = metaOf(item, metricDay);
      else items.push(statOf(item, metricDay));
    }
    return { items, meta };
  }

  async writeDailyStats(metricDay: MetricDay, changes: DailyStatsChanges): Promise<void> {
    const pk = rollupPk.stats(metricDay);
    const requests: WriteRequest[] = [
      ...changes.put.map((stat): WriteRequest => ({
        PutRequest: {
          Item: {
            pk,
            sk: statsSortKey(stat.dimsKey),
            metric: stat.metric,
            day: stat.day,
            dims: stat.dims,
            count: stat.count,
            sum: stat.sum,
            min: stat.min,
            max: stat.max,
            updatedAt: stat.updatedAt,
            ...(stat.mergedGroups !== undefined ? { mergedGroups: stat.mergedGroups } : {}),
          },
        },
      })),
      ...changes.delete.map((dimsKey): WriteRequest => ({ DeleteRequest: { Key: { pk, sk: statsSortKey(dimsKey) } } })),
      changes.meta
        ? { PutRequest: { Item: { pk, sk: STATS_META_SK, ...changes.meta } } }
        : { DeleteRequest: { Key: { pk, sk: STATS_META_SK } } },
    ];
    await batchWrite(this.client, this.tableName, requests, `writing stats of ${metricDay.metric} ${metricDay.day}`);
  }

  /** Small groups inline (binary), big ones in the bucket behind a pointer. */
  private async groupsAttributes(groups: ReadonlyMap<string, GroupTotals>, spillKey: string): Promise<Item> {
    const encoded = encodeGroups(groups);
    if (encoded.byteLength <= INLINE_GROUPS_BYTES) return { groups: encoded, groupCount: groups.size };
    await this.artifacts.put(spillKey, encoded, 'application/gzip');
    return { groupsRef: spillKey, groupCount: groups.size };
  }

  private async readGroups(item: Item): Promise<Map<string, GroupTotals>> {
    const inline = item['groups'];
    if (inline instanceof Uint8Array) return decodeGroups(inline);
    const ref = text(item, 'groupsRef');
    const chunks: Uint8Array[] = [];
    for await (const chunk of await this.artifacts.get(ref)) chunks.push(chunk);
    return decodeGroups(Buffer.concat(chunks));
  }

  private async *query(key: { pk: string }, what: string, extra: Partial<QueryCommandInput> = {}, consistent = true): AsyncGenerator<Item> {
    let startKey: Item | undefined;
    do {
      let page;
      try {
        page = await this.client.send(
          new QueryCommand({
            TableName: this.tableName,
            KeyConditionExpression: 'pk = :pk',
            ExpressionAttributeValues: { ':pk': key.pk },
            ConsistentRead: consistent,
            ...extra,
            ...(startKey ? { ExclusiveStartKey: startKey } : {}),
          }),
        );
      } catch (error) {
        throw translateDynamoDbError(error, what);
      }
      yield* (page.Items ?? []) as Item[];
      startKey = page.LastEvaluatedKey;
    } while (startKey);
  }
}

function statOf(item: Item, metricDay: MetricDay): DailyStat {
  const sk = text(item, 'sk');
  const rawDims = item['dims'];
  if (typeof rawDims !== 'object' || rawDims === null || Array.isArray(rawDims)) throw corrupt(item, 'dims');
  const dims = Object.fromEntries(Object.entries(rawDims).map(([name, value]) => [name, String(value)]));
  const dimsKey = sk === OTHER_DIMS_KEY ? OTHER_DIMS_KEY : sk === NO_DIMS_SK ? '' : dimsKeyOf(dims, Object.keys(dims));
  const merged = item['mergedGroups'];
  return {
    ...metricDay,
    dimsKey,
    dims,
    count: number(item, 'count'),
    sum: number(item, 'sum'),
    min: number(item, 'min'),
    max: number(item, 'max'),
    updatedAt: text(item, 'updatedAt'),
    ...(typeof merged === 'number' ? { mergedGroups: merged } : {}),
  };
}

function metaOf(item: Item, metricDay: MetricDay): DayMeta {
  const hours = item['hoursWithData'];
  if (!Array.isArray(hours)) throw corrupt(item, 'hoursWithData');
  return {
    ...metricDay,
    updatedAt: text(item, 'updatedAt'),
    hoursWithData: hours.map(String),
    hoursInDay: number(item, 'hoursInDay'),
    groups: number(item, 'groups'),
    distinctGroups: number(item, 'distinctGroups'),
    events: number(item, 'events'),
  };
}

function text(item: Item, name: string): string {
  const value = item[name];
  if (typeof value !== 'string') throw corrupt(item, name);
  return value;
}

function number(item: Item, name: string): number {
  const value = item[name];
  if (typeof value !== 'number') throw corrupt(item, name);
  return value;
}

function corrupt(item: Item, name: string): StorageFailedError {
  return new StorageFailedError(`reading ${String(item['pk'])} / ${String(item['sk'])}: attribute ${name} is missing or malformed`);
}
