import { CreateTableCommand, DeleteTableCommand } from '@aws-sdk/client-dynamodb';
import { ScanCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { analyticsTable } from '../../functions/adapters/dynamodb/tables';
import { createTableInput } from '../../infra/local/provision';
import { DynamoDbRollupStore } from '../../functions/adapters/dynamodb/rollup-store';
import type { NightshiftConfig, NightshiftConfigInput } from '../../functions/core/config';
import type { JobDefinition, JobDependencies } from '../../functions/core/jobs/definition';
import { executeRun } from '../../functions/core/jobs/execute-run';
import type { JobRecord } from '../../functions/core/jobs/record';
import type { RollupStore } from '../../functions/core/rollup/ports';
import { createRollupJob } from '../../functions/jobs/rollup/rollup-run';
import type { RollupParams } from '../../functions/jobs/rollup/params';
import { FakeClock } from './clock';
import { newJob, testConfig, testDependencies } from './jobs';
import { statsRowKey, type ExpectedTotals } from './rollup-events';
import type { TestStorage } from './storage';

export const ROLLUP_METRICS = ['revenue', 'orders', 'sessions'] as const;

/** The demo-like config rollup tests use: three metrics, store and channel kept. */
export function rollupConfig(overrides: Partial<NightshiftConfigInput> = {}): NightshiftConfig {
  return testConfig({
    timezone: 'America/Los_Angeles',
    metrics: Object.fromEntries(ROLLUP_METRICS.map((metric) => [metric, {}])),
    dimensions: ['store', 'channel'],
    ...overrides,
  });
}

export interface RollupBed {
  deps: JobDependencies & { clock: FakeClock };
  store: RollupStore;
  job: JobDefinition<RollupParams>;
}

/** The rollup job on the test's own tables and bucket, with a fake clock; `client` may wrap the real one. */
export function rollupBed(
  storage: TestStorage,
  options: { config?: NightshiftConfig; clock?: FakeClock; client?: DynamoDBDocumentClient; analyticsTable?: string } = {},
): RollupBed {
  const deps = testDependencies(storage, { config: options.config ?? rollupConfig(), clock: options.clock ?? new FakeClock() });
  const store = new DynamoDbRollupStore(options.client ?? storage.documentClient, options.analyticsTable ?? storage.names.analyticsTable, storage.artifactStore);
  return { deps, store, job: createRollupJob(store) };
}

/**
 * Queues a rollup run and executes it through the shared lifecycle, as the handler would. A
 * scheduled run: one that finds the lease held is skipped (a run started by hand would wait).
 */
export async function runRollupJob(bed: RollupBed, params: RollupParams = {}, job: JobDefinition<RollupParams> = bed.job): Promise<JobRecord> {
  const queued = await bed.deps.ledger.enqueue(newJob({ type: 'rollup', params, trigger: 'schedule', triggeredBy: 'rollup-hourly' }, bed.deps.clock));
  return executeRun(job, queued, bed.deps, { remainingMs: 900_000, marginMs: 5_000 });
}

/**
 * Another Analytics table beside the storage's own (same bucket and Jobs table), for tests that
 * roll the same objects up several times from scratch. Returns its name and its removal.
 */
export async function extraAnalyticsTable(storage: TestStorage, suffix: string): Promise<{ name: string; drop: () => Promise<void> }> {
  const name = `${storage.names.analyticsTable}-${suffix}`;
  await storage.dynamodbClient.send(new CreateTableCommand(createTableInput(analyticsTable, name)));
  return { name, drop: async () => void (await storage.dynamodbClient.send(new DeleteTableCommand({ TableName: name }))) };
}

/** Every item of the Analytics table (tests only: a scan). */
export async function scanAnalytics(storage: TestStorage, tableName = storage.names.analyticsTable): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await storage.documentClient.send(
      new ScanCommand({ TableName: tableName, ConsistentRead: true, ...(startKey ? { ExclusiveStartKey: startKey } : {}) }),
    );
    items.push(...((page.Items ?? []) as Record<string, unknown>[]));
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return items;
}

/** Every daily stats row in the table, keyed like `expectedDailyStats`. */
export async function storedDailyStats(storage: TestStorage, tableName = storage.names.analyticsTable): Promise<Map<string, ExpectedTotals>> {
  const rows = new Map<string, ExpectedTotals>();
  for (const item of await scanAnalytics(storage, tableName)) {
    const pk = String(item['pk']);
    if (!pk.startsWith('stats#') || item['sk'] === '#meta') continue;
    const key = statsRowKey(String(item['metric']), String(item['day']), item['dims'] as Record<string, string>);
    rows.set(key, { count: Number(item['count']), sum: Number(item['sum']), min: Number(item['min']), max: Number(item['max']) });
  }
  return rows;
}

/** Sorted entries, for readable diffs in `toEqual`. */
export const sortedRows = (rows: Map<string, ExpectedTotals>): Array<[string, ExpectedTotals]> => [...rows.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));

export class SimulatedCrash extends Error {
  constructor() {
    super('simulated crash: the process died here');
  }
}

const WRITE_COMMANDS = new Set(['PutCommand', 'UpdateCommand', 'DeleteCommand', 'BatchWriteCommand', 'TransactWriteCommand']);

/**
 * A document client that lets `writesBeforeCrash` write requests through and then fails every
 * later one, as if the process had died between two writes. Reads still work.
 */
export function crashingClient(client: DynamoDBDocumentClient, writesBeforeCrash: number): DynamoDBDocumentClient & { readonly writes: number } {
  let writes = 0;
  const send = async (command: { constructor: { name: string } }): Promise<unknown> => {
    if (WRITE_COMMANDS.has(command.constructor.name)) {
      if (writes >= writesBeforeCrash) throw new SimulatedCrash();
      writes += 1;
    }
    return (client.send as (c: unknown) => Promise<unknown>)(command);
  };
  return new Proxy(client, {
    get(target, property, receiver) {
      if (property === 'send') return send;
      if (property === 'writes') return writes;
      return Reflect.get(target, property, receiver) as unknown;
    },
  }) as DynamoDBDocumentClient & { readonly writes: number };
}
