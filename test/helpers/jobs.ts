import { monotonicFactory } from 'ulid';
import * as z from 'zod';
import { parseConfig, type NightshiftConfig, type NightshiftConfigInput } from '../../functions/core/config';
import { DynamoDbJobLedger } from '../../functions/adapters/dynamodb/job-ledger';
import { DynamoDbLeaseStore } from '../../functions/adapters/dynamodb/lease-store';
import type { JobDefinition, JobDependencies, JobOutcome, JobContext } from '../../functions/core/jobs/definition';
import type { Invoker, JobInvocation } from '../../functions/core/jobs/ports';
import type { NewJob } from '../../functions/core/jobs/record';
import { silentLogger } from '../../functions/core/jobs/logger';
import { catalogView, jobTypeNames } from '../../functions/catalog';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Clock } from '../../functions/core/jobs/ports';
import type { TestStorage } from './storage';
import { FakeClock } from './clock';

const nextId = monotonicFactory();

/** A new run as the lifecycle would create it; override any field. */
export function newJob(overrides: Partial<NewJob> = {}, clock: { now(): Date } = new FakeClock()): NewJob {
  const now = clock.now();
  return {
    id: nextId(now.getTime()),
    type: 'sweeper',
    trigger: 'api',
    params: {},
    triggeredBy: 'test',
    createdAt: now.toISOString(),
    // From the real clock: DynamoDB Local really deletes expired items, and fake clocks often sit in the past.
    expiresAt: Math.floor(Date.now() / 1000) + 365 * 86_400,
    ...overrides,
  };
}

/** The demo-shaped config tests start from; override any section. */
export function testConfig(overrides: Partial<NightshiftConfigInput> = {}): NightshiftConfig {
  return parseConfig({
    timezone: 'America/Los_Angeles',
    metrics: { revenue: {}, orders: {}, sessions: {} },
    dimensions: ['store', 'channel'],
    schedules: { sweeper: { job: 'sweeper', expression: 'rate(5 minutes)' } },
    ...overrides,
  });
}

/** Records every async invoke instead of running it. */
export class RecordingInvoker implements Invoker {
  readonly invocations: JobInvocation[] = [];
  async invokeAsync(invocation: JobInvocation): Promise<void> {
    this.invocations.push(invocation);
  }
}

/** The run ledger on a test's Jobs table (or a client that wraps it), over the catalog's job types. */
export function testLedger(client: DynamoDBDocumentClient, jobsTable: string, clock: Clock): DynamoDbJobLedger {
  return new DynamoDbJobLedger(client, jobsTable, { clock, jobTypes: jobTypeNames });
}

/** Real DynamoDB Local / s3rver adapters with a fake clock and a recording invoker. */
export function testDependencies(
  storage: TestStorage,
  options: { clock?: FakeClock; config?: NightshiftConfig; invoker?: Invoker } = {},
): JobDependencies & { clock: FakeClock } {
  const clock = options.clock ?? new FakeClock();
  const config = options.config ?? testConfig();
  return {
    config,
    catalog: catalogView(config),
    ledger: testLedger(storage.documentClient, storage.names.jobsTable, clock),
    leases: new DynamoDbLeaseStore(storage.documentClient, storage.names.jobsTable, clock),
    artifacts: storage.artifactStore,
    invoker: options.invoker ?? new RecordingInvoker(),
    clock,
    logger: silentLogger,
  };
}

/** A job definition whose work is the given function (sweeper-typed unless told otherwise). */
export function fakeJob(
  run: (context: JobContext<Record<string, unknown>>) => Promise<JobOutcome>,
  overrides: Partial<JobDefinition<Record<string, unknown>>> = {},
): JobDefinition<Record<string, unknown>> {
  return { type: 'sweeper', params: z.record(z.string(), z.unknown()), timeoutMs: 10_000, run, ...overrides };
}
