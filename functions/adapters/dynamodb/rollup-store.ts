import { createHash, randomUUID } from 'node:crypto';
import {
  DeleteCommand,
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
  HourContribution,
  MetricDay,
  PendingMark,
  RollupStore,
  StoredContribution,
} from '../../core/rollup/ports';
import { metricDayKey } from '../../core/rollup/ports';
import { StorageFailedError } from '../../core/storage/errors';
import { NO_DIMS_SK, STATS_META_SK, rollupPk, statsSortKey } from './analytics-keys';
import { mapConcurrent } from '../../core/map-concurrent';
import { batchGet, batchWrite, type WriteRequest } from './batch-write';
import { isConditionalCheckFailure, translateDynamoDbError } from './errors';
import { queryItems } from './query-items';

/**
 * Groups bigger than this (compressed) go to the artifacts bucket and the item points at them,
 * leaving room under DynamoDB's 400 KB item limit for the other attributes.
 */
const INLINE_GROUPS_BYTES = 300 * 1024;
/** Single-item requests (conditional mark deletes, spilled groups) in flight at once. */
const MARKS_AT_ONCE = 8;

type Item = Record<string, unknown>;

/** The rollup's items in the Analytics table (layout in `analytics-keys.ts`). */
export class DynamoDbRollupStore implements RollupStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    /** Where groups too big for an item are kept. */
    private readonly artifacts: ArtifactStore,
  ) {}

  async pendingHours(): Promise<Map<HourKey, PendingMark[]>> {
    const pending = new Map<HourKey, PendingMark[]>();
    const items = this.query({ pk: rollupPk.pending }, 'reading pending rollup hours', {
      ProjectionExpression: '#sk, #hour, #key, etag, markedAt',
      ExpressionAttributeNames: { '#sk': 'sk', '#hour': 'hour', '#key': 'key' },
    });
    for await (const item of items) {
      const hour = text(item, 'hour');
      const marks = pending.get(hour) ?? [];
      marks.push({ id: text(item, 'sk'), key: text(item, 'key'), etag: text(item, 'etag'), markedAt: text(item, 'markedAt') });
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

  async clearWritten(marks: ReadonlyMap<HourKey, string>): Promise<HourKey[]> {
    const cleared = await mapConcurrent([...marks], MARKS_AT_ONCE, async ([hour, token]) => ((await this.clearWrittenMark(hour, token)) ? [hour] : []));
    return cleared.flat();
  }

  private async clearWrittenMark(hour: HourKey, token: string): Promise<boolean> {
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

  async absorb(contributions: readonly HourContribution[]): Promise<void> {
    const marks: WriteRequest[] = [];
    const items: WriteRequest[] = [];
    await mapConcurrent(contributions, MARKS_AT_ONCE, async ({ hour, contribution }) => {
      // Names this object version: its pending mark's key (unique per version, so clearing the
      // marks a run counted never clears a newer absorb's) and its spilled groups' key.
      const id = createHash('sha256').update(`${contribution.key}\n${contribution.etag}`).digest('hex').slice(0, 32);
      const groups = await this.groupsAttributes(contribution.groups, `rollup/contributions/${hour}/${id}.json.gz`);
      marks.push({ PutRequest: { Item: { pk: rollupPk.pending, sk: `${hour}#${id}`, hour, key: contribution.key, etag: contribution.etag, markedAt: contribution.absorbedAt } } });
      items.push({
        PutRequest: {
          Item: {
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
          },
        },
      });
    });
    // Marks first: a contribution stored without its mark would be skipped by the next scan and
    // never recomputed; a mark without its contribution only makes its hour recomputed again.
    await batchWrite(this.client, this.tableName, marks, 'marking absorbed objects pending');
    await batchWrite(this.client, this.tableName, items, 'storing object contributions');
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

  async hourSummaries(hours: readonly HourKey[]): Promise<Map<HourKey, HourSummary>> {
    const items = await batchGet(this.client, this.tableName, hours.map((hour) => ({ pk: rollupPk.hours, sk: hour })), 'reading hour summaries');
    return new Map(items.map((item) => [text(item, 'sk'), summaryOf(item)]));
  }

  async putHourSummaries(summaries: readonly HourSummary[]): Promise<void> {
    const requests: WriteRequest[] = summaries.map((summary) => ({ PutRequest: { Item: { pk: rollupPk.hours, sk: summary.hour, ...summary } } }));
    await batchWrite(this.client, this.tableName, requests, 'writing hour summaries');
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

  async deletePartials(stale: ReadonlyArray<{ hour: HourKey; metricDay: MetricDay }>): Promise<void> {
    const requests: WriteRequest[] = stale.map(({ hour, metricDay }) => ({ DeleteRequest: { Key: { pk: rollupPk.partial(metricDay), sk: hour } } }));
    await batchWrite(this.client, this.tableName, requests, 'deleting stale hour partials');
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

  async clearPending(marks: readonly PendingMark[]): Promise<void> {
    const requests: WriteRequest[] = marks.map((mark) => ({ DeleteRequest: { Key: { pk: rollupPk.pending, sk: mark.id } } }));
    await batchWrite(this.client, this.tableName, requests, 'clearing pending marks');
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

  async dayMetas(metricDays: readonly MetricDay[]): Promise<Map<string, DayMeta>> {
    const byPk = new Map(metricDays.map((metricDay) => [rollupPk.stats(metricDay), metricDay]));
    const items = await batchGet(this.client, this.tableName, [...byPk.keys()].map((pk) => ({ pk, sk: STATS_META_SK })), 'reading day metas');
    const metas = new Map<string, DayMeta>();
    for (const item of items) {
      const metricDay = byPk.get(text(item, 'pk'));
      if (metricDay) metas.set(metricDayKey(metricDay), metaOf(item, metricDay));
    }
    return metas;
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

  private query(key: { pk: string }, what: string, extra: Partial<QueryCommandInput> = {}, consistent = true): AsyncGenerator<Item> {
    const input = { TableName: this.tableName, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': key.pk }, ConsistentRead: consistent, ...extra };
    return queryItems(this.client, input, what);
  }
}

function summaryOf(item: Item): HourSummary {
  const partials = item['partials'];
  if (!Array.isArray(partials)) throw corrupt(item, 'partials');
  return {
    hour: text(item, 'sk'),
    partials: partials.map((entry: unknown) => ({ metric: text(entry as Item, 'metric'), day: text(entry as Item, 'day') })),
    objects: number(item, 'objects'),
    events: number(item, 'events'),
    malformed: number(item, 'malformed'),
    unknownMetric: number(item, 'unknownMetric'),
    updatedAt: text(item, 'updatedAt'),
  };
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
    ...(typeof item['sum'] === 'number' ? { sum: item['sum'] } : {}),
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
