import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoDbLeaseStore } from '../../../functions/adapters/dynamodb/lease-store';
import { DynamoDbRollupStore } from '../../../functions/adapters/dynamodb/rollup-store';
import type { JobDependencies } from '../../../functions/core/jobs/definition';
import { handleInvocation } from '../../../functions/core/jobs/handle-invocation';
import type { Invoker, JobInvocation } from '../../../functions/core/jobs/ports';
import type { JobRecord } from '../../../functions/core/jobs/record';
import type { NightshiftConfig } from '../../../functions/core/config';
import { createRollupJob } from '../../../functions/jobs/rollup/rollup-run';
import { FakeClock } from '../../helpers/clock';
import { CrashSwitch } from '../../helpers/faults';
import { testDependencies, testLedger } from '../../helpers/jobs';
import { extraAnalyticsTable, ROLLUP_METRICS, rollupConfig, scanAnalytics, SimulatedCrash, sortedRows, storedDailyStats } from '../../helpers/rollup-bed';
import { expectedDailyStats, generateEvents, writeEventObjects, type GeneratedEvent } from '../../helpers/rollup-events';
import { createTestStorage, type TestStorage } from '../../helpers/storage';

const TIMEZONE = 'America/Los_Angeles';
const NOW = '2026-11-21T20:00:00Z';
/** Six UTC hours around the local midnight of 2026-11-21 (08:00Z): two local days, two objects an hour. */
const WINDOW = [Date.parse('2026-11-21T05:00:00Z'), Date.parse('2026-11-21T11:00:00Z')] as const;
const HOURS = ['2026-11-21T05', '2026-11-21T06', '2026-11-21T07', '2026-11-21T08', '2026-11-21T09', '2026-11-21T10'];
const LIMITS = { remainingMs: 300_000, marginMs: 5_000 };
/** Past a partition lease's TTL (10 s), short of the rollup lease's (20 s), which its coordinator keeps renewing. */
const PARTITION_LEASE_EXPIRES_MS = 11_000;

const fanOutConfig = (minObjects: number): NightshiftConfig =>
  rollupConfig({ rollup: { lookbackHours: 16, debounceMs: 5000, maxCardinalityPerMetricDay: 1000, fanOut: { minObjects, workers: 3 } } });

/** What happens to a worker's delivery: run once, crash after some writes, or arrive more than once. */
interface Delivery {
  /** Writes this worker process makes before it dies (Lambda then delivers the event once more, as its async retry does). */
  crashAfterWrites?: number;
  /** The same payload delivered again at once, and as a new run of the same partition. */
  duplicate?: boolean;
}

/**
 * Lambda's async invoke for the rollup function, in this process: each delivery of a partition
 * run is its own "process" (its own crash switch over the same tables), run through the real
 * entry (`handleInvocation`) on the shared fake clock. `plan` decides each delivery's fate, in
 * the order the coordinator invokes.
 */
class WorkerInvoker implements Invoker {
  readonly deliveries: JobInvocation[] = [];
  private readonly running: Array<Promise<unknown>> = [];

  constructor(
    private readonly storage: TestStorage,
    private readonly table: string,
    private readonly config: NightshiftConfig,
    private readonly clock: FakeClock,
    private readonly plan: (index: number) => Delivery = () => ({}),
  ) {}

  invokeAsync(invocation: JobInvocation): Promise<void> {
    const delivery = this.plan(this.deliveries.length);
    this.deliveries.push(structuredClone(invocation));
    this.running.push(this.deliver(invocation, delivery));
    return Promise.resolve();
  }

  async settle(): Promise<void> {
    while (this.running.length > 0) await Promise.all(this.running.splice(0));
  }

  private process(faults = new CrashSwitch()): { deps: JobDependencies; run: (event: unknown) => Promise<unknown> } {
    const client = faults.documentClient(this.storage.documentClient);
    const store = new DynamoDbRollupStore(client, this.table, faults.artifactStore(this.storage.artifactStore));
    const deps: JobDependencies = {
      ...testDependencies(this.storage, { config: this.config, clock: this.clock, invoker: this }),
      ledger: testLedger(client, this.storage.names.jobsTable, this.clock),
      leases: new DynamoDbLeaseStore(client, this.storage.names.jobsTable, this.clock),
    };
    return { deps, run: (event) => handleInvocation(createRollupJob(store), event, deps, LIMITS) };
  }

  private async deliver(invocation: JobInvocation, delivery: Delivery): Promise<void> {
    await Promise.resolve();
    if (delivery.crashAfterWrites !== undefined) {
      const faults = new CrashSwitch();
      faults.arm(delivery.crashAfterWrites);
      await this.process(faults).run(structuredClone(invocation)).catch(expectCrash);
      // Dead. Lambda retries the event once in a new process (which finds the run started, if
      // it got that far, and leaves it); then the dead worker's partition lease runs out.
      await this.process().run(structuredClone(invocation));
      this.clock.advance(PARTITION_LEASE_EXPIRES_MS);
      return;
    }
    if (!delivery.duplicate) {
      await this.process().run(invocation);
      return;
    }
    const record = await this.process().deps.ledger.get(invocation.jobId ?? '');
    const asNewRun = { type: 'rollup', trigger: 'fan-out', triggeredBy: invocation.triggeredBy, params: record?.params };
    await Promise.all([this.process().run(structuredClone(invocation)), this.process().run(structuredClone(invocation)), this.process().run(asNewRun)]);
    await this.process().run(structuredClone(invocation));
  }
}

function expectCrash(error: unknown): undefined {
  for (let current = error; current instanceof Error; current = current.cause) if (current instanceof SimulatedCrash) return undefined;
  throw error;
}

describe('rollup: fan-out across partition runs', () => {
  let storage: TestStorage;
  let events: GeneratedEvent[];
  const drops: Array<() => Promise<void>> = [];
  let beds = 0;

  beforeAll(async () => {
    storage = await createTestStorage('rollup-fanout');
    events = generateEvents(47, { days: ['2026-11-20', '2026-11-21'], timezone: TIMEZONE, eventsPerDay: 400, metrics: ROLLUP_METRICS, stores: 4, channels: ['web', 'app'], aroundMidnight: 20 }).filter(
      (event) => Date.parse(event.ts) >= WINDOW[0] && Date.parse(event.ts) < WINDOW[1],
    );
    await writeEventObjects(storage.artifactStore, events, { objectsPerHour: 2, seed: 47 });
  });

  afterAll(async () => {
    for (const drop of drops) await drop();
    await storage.destroy();
  });

  /** A coordinator on a fresh Analytics table, its workers delivered by a `WorkerInvoker`. */
  async function bed(label: string, config: NightshiftConfig, plan?: (index: number) => Delivery, coordinatorFaults = new CrashSwitch()) {
    const table = await extraAnalyticsTable(storage, label);
    drops.push(table.drop);
    // Each bed a few minutes after the last, so no lease a crashed run left stands in its way.
    const clock = new FakeClock(new Date(Date.parse(NOW) + (beds += 1) * 300_000));
    const workers = new WorkerInvoker(storage, table.name, config, clock, plan);
    const client = coordinatorFaults.documentClient(storage.documentClient);
    const store = new DynamoDbRollupStore(client, table.name, storage.artifactStore);
    await store.markWritten(HOURS, clock.now());
    const deps: JobDependencies = {
      ...testDependencies(storage, { config, clock, invoker: workers }),
      ledger: testLedger(client, storage.names.jobsTable, clock),
      leases: new DynamoDbLeaseStore(client, storage.names.jobsTable, clock),
    };
    const coordinate = async (): Promise<JobRecord> => {
      const result = await handleInvocation(createRollupJob(store), { type: 'rollup', trigger: 'schedule' }, deps, LIMITS);
      if (result.outcome !== 'ran') throw new Error(`the rollup did not run: ${JSON.stringify(result)}`);
      return result.job;
    };
    return { table: table.name, clock, workers, store, deps, coordinate };
  }

  async function expectExactAndSettled(table: string, store: DynamoDbRollupStore): Promise<void> {
    expect(sortedRows(await storedDailyStats(storage, table))).toEqual(sortedRows(expectedDailyStats(events, TIMEZONE, ['store', 'channel'])));
    expect((await scanAnalytics(storage, table)).filter((item) => item['pk'] === 'rollup#pending')).toEqual([]);
    expect(await store.unfinishedHours()).toEqual(new Set());
  }

  const partitionsOf = (job: JobRecord) => (job.summary?.['fanOut'] as { partitions: Array<{ index: number; runs: Array<{ id: string; status: string }>; finished: boolean }> } | undefined)?.partitions ?? [];

  it('absorbs the hours in partition runs and publishes exactly the independent totals', async () => {
    // Prepare
    const { table, workers, store, deps, coordinate } = await bed('exact', fanOutConfig(1));

    // Act
    const job = await coordinate();
    await workers.settle();

    // Assess
    expect(job.status).toBe('succeeded');
    expect(job.summary?.['events']).toBe(events.length);
    const partitions = partitionsOf(job);
    expect(partitions).toHaveLength(3);
    expect(partitions.every((partition) => partition.finished && partition.runs.length === 1)).toBe(true);
    const children = await deps.ledger.getMany(partitions.flatMap((partition) => partition.runs.map((run) => run.id)));
    expect([...children.values()].map((child) => [child.trigger, child.triggeredBy, child.status])).toEqual(partitions.map(() => ['fan-out', `rollup ${job.id}`, 'succeeded']));
    await expectExactAndSettled(table, store);
  });

  it('leaves the run as it was below the threshold: no partition runs', async () => {
    // Prepare: 12 objects to read, the threshold at 13.
    const { table, workers, store, coordinate } = await bed('below', fanOutConfig(13));

    // Act
    const job = await coordinate();

    // Assess
    expect(job.status).toBe('succeeded');
    expect(workers.deliveries).toEqual([]);
    expect(job.summary?.['fanOut']).toBeUndefined();
    expect(job.summary?.['objectsRead']).toBe(12);
    await expectExactAndSettled(table, store);
  });

  // Writes of the first worker before it dies: after its start (at the pending marks), and
  // between the marks and the contributions.
  it.each([2, 3])('a worker killed after %i writes has its partition finished by a retry', async (writes) => {
    // Prepare
    const { table, workers, store, deps, coordinate } = await bed(`crash${writes}`, fanOutConfig(1), (index) => (index === 0 ? { crashAfterWrites: writes } : {}));

    // Act
    const job = await coordinate();
    await workers.settle();

    // Assess
    expect(job.status).toBe('succeeded');
    const [first] = partitionsOf(job);
    expect(first?.finished).toBe(true);
    // Its run is closed as lost and a second run finished the partition.
    expect(first?.runs.map((run) => run.status)).toEqual(['failed', 'succeeded']);
    expect((await deps.ledger.get(first!.runs[0]!.id))?.error?.code).toBe('lease_expired');
    await expectExactAndSettled(table, store);
  });

  it('counts a worker payload delivered several times (and as a second run of its partition) once', async () => {
    // Prepare
    const { table, workers, store, coordinate } = await bed('duplicate', fanOutConfig(1), () => ({ duplicate: true }));

    // Act
    const job = await coordinate();
    await workers.settle();

    // Assess
    expect(job.status).toBe('succeeded');
    expect(partitionsOf(job).map((partition) => partition.runs.map((run) => run.status))).toEqual([['succeeded'], ['succeeded'], ['succeeded']]);
    await expectExactAndSettled(table, store);
  });

  // The coordinator's writes: lease, start, then one run record per partition (three), then the
  // final step: killed with two partitions started, and at the final step's first write.
  it.each([4, 6])('a coordinator killed after %i writes leaves nothing a later rollup does not finish exactly', async (writes) => {
    // Prepare
    const faults = new CrashSwitch();
    const { table, workers, store, clock, coordinate } = await bed(`coord${writes}`, fanOutConfig(1), undefined, faults);
    faults.arm(writes);

    // Act: it dies; its workers go on; its lease runs out; the next rollup runs.
    await coordinate().catch(expectCrash);
    await workers.settle();
    faults.disarm();
    clock.advance(21_000);
    const next = await coordinate();
    await workers.settle();

    // Assess
    expect(faults.crashes).toBe(1);
    expect(next.status).toBe('succeeded');
    await expectExactAndSettled(table, store);
  });
});
