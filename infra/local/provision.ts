import { setTimeout as delay } from 'node:timers/promises';
import {
  CreateTableCommand,
  DescribeTableCommand,
  DescribeTimeToLiveCommand,
  UpdateTimeToLiveCommand,
  type AttributeDefinition,
  type CreateTableCommandInput,
  type DynamoDBClient,
  type KeySchemaElement,
  type TableDescription,
} from '@aws-sdk/client-dynamodb';
import { CreateBucketCommand, HeadBucketCommand, type BucketLocationConstraint, type S3Client } from '@aws-sdk/client-s3';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { analyticsTable, jobsTable, type KeyAttribute, type TableDefinition } from '../../functions/adapters/dynamodb/tables';

export interface StorageNames {
  jobsTable: string;
  analyticsTable: string;
  bucket: string;
}

export interface ProvisionOptions {
  dynamodb: DynamoDBClient | DynamoDBDocumentClient;
  s3: S3Client;
  names: StorageNames;
  /** How long to wait for a table to become ACTIVE (DynamoDB Local: immediately). */
  timeoutMs?: number;
}

/**
 * Creates the tables and the bucket the local cloud (and the integration tests) need, from the same
 * definitions as the CDK stateful stack. Safe to run on every start: existing resources are kept.
 */
export async function provisionStorage(options: ProvisionOptions): Promise<void> {
  // A document client passes the plain table commands through untouched; its narrower `send`
  // overloads are the only difference, so both are driven through this one function.
  const send = options.dynamodb.send.bind(options.dynamodb) as DynamoDBClient['send'];
  const timeoutMs = options.timeoutMs ?? 60_000;
  await Promise.all([
    provisionTable(send, jobsTable, options.names.jobsTable, timeoutMs),
    provisionTable(send, analyticsTable, options.names.analyticsTable, timeoutMs),
    provisionBucket(options.s3, options.names.bucket),
  ]);
}

type Send = DynamoDBClient['send'];

function keySchema(partitionKey: KeyAttribute, sortKey?: KeyAttribute): KeySchemaElement[] {
  const schema: KeySchemaElement[] = [{ AttributeName: partitionKey.name, KeyType: 'HASH' }];
  if (sortKey) schema.push({ AttributeName: sortKey.name, KeyType: 'RANGE' });
  return schema;
}

export function createTableInput(definition: TableDefinition, tableName: string): CreateTableCommandInput {
  const attributes = new Map<string, KeyAttribute['type']>();
  const keys = [definition.partitionKey, definition.sortKey, ...definition.indexes.flatMap((index) => [index.partitionKey, index.sortKey])];
  for (const key of keys) if (key) attributes.set(key.name, key.type);
  const attributeDefinitions: AttributeDefinition[] = [...attributes].map(([name, type]) => ({ AttributeName: name, AttributeType: type }));
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: attributeDefinitions,
    KeySchema: keySchema(definition.partitionKey, definition.sortKey),
    ...(definition.indexes.length > 0
      ? {
          GlobalSecondaryIndexes: definition.indexes.map((index) => ({
            IndexName: index.name,
            KeySchema: keySchema(index.partitionKey, index.sortKey),
            Projection: { ProjectionType: 'ALL' },
          })),
        }
      : {}),
  };
}

function errorName(error: unknown): string | undefined {
  return error instanceof Error ? error.name : undefined;
}

function errorStatus(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null || !('$metadata' in error)) return undefined;
  const metadata = (error as { $metadata?: { httpStatusCode?: number } }).$metadata;
  return metadata?.httpStatusCode;
}

async function provisionTable(send: Send, definition: TableDefinition, tableName: string, timeoutMs: number): Promise<void> {
  try {
    await send(new CreateTableCommand(createTableInput(definition, tableName)));
  } catch (error) {
    if (errorName(error) !== 'ResourceInUseException') {
      throw new Error(`creating table ${tableName}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    }
  }
  const table = await waitUntilActive(send, tableName, timeoutMs);
  assertSameKeys(definition, table, tableName);
  await enableTimeToLive(send, tableName, definition.ttlAttribute);
}

async function waitUntilActive(send: Send, tableName: string, timeoutMs: number): Promise<TableDescription> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { Table: table } = await send(new DescribeTableCommand({ TableName: tableName }));
    const indexesActive = (table?.GlobalSecondaryIndexes ?? []).every((index) => index.IndexStatus === 'ACTIVE');
    if (table && table.TableStatus === 'ACTIVE' && indexesActive) return table;
    if (Date.now() > deadline) throw new Error(`table ${tableName} is not ACTIVE after ${timeoutMs} ms (${table?.TableStatus ?? 'no status'})`);
    await delay(500);
  }
}

/**
 * An existing table is kept as it is, so a table left by an older schema would otherwise fail
 * later with confusing query errors; saying so here points at the fix (delete the local data).
 */
function assertSameKeys(definition: TableDefinition, table: TableDescription, tableName: string): void {
  const describeKeys = (schema: KeySchemaElement[] | undefined): string =>
    (schema ?? []).map((key) => `${key.AttributeName ?? ''}:${key.KeyType ?? ''}`).join(',');
  const expected = [
    describeKeys(keySchema(definition.partitionKey, definition.sortKey)),
    ...definition.indexes.map((index) => `${index.name}=${describeKeys(keySchema(index.partitionKey, index.sortKey))}`).sort(),
  ];
  const actual = [
    describeKeys(table.KeySchema),
    ...(table.GlobalSecondaryIndexes ?? []).map((index) => `${index.IndexName ?? ''}=${describeKeys(index.KeySchema)}`).sort(),
  ];
  if (expected.join(' ') !== actual.join(' ')) {
    throw new Error(
      `table ${tableName} exists with another key schema (${actual.join(' ')}; expected ${expected.join(' ')}); delete it or the local data directory`,
    );
  }
}

async function enableTimeToLive(send: Send, tableName: string, attributeName: string): Promise<void> {
  try {
    const { TimeToLiveDescription: ttl } = await send(new DescribeTimeToLiveCommand({ TableName: tableName }));
    const status = ttl?.TimeToLiveStatus;
    if ((status === 'ENABLED' || status === 'ENABLING') && ttl?.AttributeName === attributeName) return;
    await send(
      new UpdateTimeToLiveCommand({ TableName: tableName, TimeToLiveSpecification: { AttributeName: attributeName, Enabled: true } }),
    );
  } catch (error) {
    // Enabling twice is a ValidationException in AWS; some emulators do not implement TTL at all.
    // Either way the table is usable, and expiry is a storage-cost concern, not a correctness one.
    const message = error instanceof Error ? error.message : '';
    const name = errorName(error);
    if (name === 'ValidationException' && /already enabled/i.test(message)) return;
    if (name === 'UnknownOperationException' || /not supported|unsupported/i.test(message)) return;
    throw new Error(`enabling TTL on ${tableName}: ${message}`, { cause: error });
  }
}

async function provisionBucket(s3: S3Client, bucket: string): Promise<void> {
  try {
    await s3.send(new HeadBucketCommand({ Bucket: bucket }));
    return;
  } catch (error) {
    if (errorStatus(error) !== 404 && errorName(error) !== 'NotFound' && errorName(error) !== 'NoSuchBucket') {
      throw new Error(`checking bucket ${bucket}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    }
  }
  const region = await s3.config.region();
  try {
    await s3.send(
      new CreateBucketCommand({
        Bucket: bucket,
        // us-east-1 is the one region that rejects an explicit location constraint; the SDK's enum
        // lags behind new regions, hence the widening of a plain region name.
        ...(region === 'us-east-1'
          ? {}
          : { CreateBucketConfiguration: { LocationConstraint: region as BucketLocationConstraint } }),
      }),
    );
  } catch (error) {
    if (errorName(error) === 'BucketAlreadyOwnedByYou') return;
    throw new Error(`creating bucket ${bucket}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
}
