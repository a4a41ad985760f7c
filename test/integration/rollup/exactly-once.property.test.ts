import { afterAll, describe, expect, it } from 'vitest';
import { catalogView } from '../../../functions/catalog';
import { DynamoDbIdempotencyStore } from '../../../functions/adapters/dynamodb/idempotency-store';
import { DynamoDbLeaseStore } from '../../../functions/adapters/dynamodb/lease-store';
import { DynamoDbRollupStore } from '../../../functions/adapters/dynamodb/rollup-store';
import { DynamoDbSnapshotStore } from '../../../functions/adapters/dynamodb/snapshot-store';
import { DynamoDbAnnotationStore } from '../../../functions/adapters/dynamodb/annotation-store';
import { DynamoDbProofIndex } from '../../../functions/adapters/dynamodb/proof-index';
import type { ApiContext, ApiRequest } from '../../../functions/api/http';
import { postEvents } from '../../../functions/api/routes/events';
import { httpStatusOf } from '../../../functions/api/errors';
import type { JobDependencies } from '../../../functions/core/jobs/definition';
import { handleInvocation } from '../../../functions/core/jobs/handle-invocation';
import { silentLogger } from '../../../functions/core/jobs/logger';
import { createRun } from '../../../functions/core/jobs/lifecycle/create-run';
import { bringRollupUpToDate } from '../../../functions/jobs/rollup/bring-up-to-date';
import { createRollupJob } from '../../../functions/jobs/rollup/rollup-run';
import { queryStats } from '../../../functions/jobs/rollup/query-stats';
import { localDay } from '../../../functions/core/time/periods';
import { FakeClock } from '../../helpers/clock';
import { CrashSwitch } from '../../helpers/faults';
import { RecordingInvoker, testLedger } from '../../helpers/jobs';
import { rollupConfig, SimulatedCrash, sortedRows, storedDailyStats } from '../../helpers/rollup-bed';
import { expectedDailyStats, seededRandom, type GeneratedEvent } from '../../helpers/rollup-events';
import { createTestStorage, type TestStorage } from '../../helpers/storage';

const TIMEZONE = 'America/Los_Angeles';
const START = Date.parse('2026-11-23T20:00:00Z');
const DAY_MS = 86_400_000;
const LIMITS = { remainingMs: 300_000, marginMs: 5_000 };
const SEEDS = [101, 202, 303, 404, 505, 606];
const OPERATIONS_PER_SEED = 36;

interface Tally {
  seed: number;
  operations: number;
  accepted: number;
  crashes: number;
  keyedRetries: number;
  waits: number;
}

const tallies: Tally[] = [];

/**
 * The whole data path under a seeded random schedule, on DynamoDB Local and s3rver: ingests
 * (some keyed, some retried after a crash at a random write, some dated weeks back), scheduled
 * and explicit-range rollups, snapshots and exports holding the lease while they bring the stats
 * up to date, and a crash between any two writes of any of them. Afterwards the stats must equal
 * an independent computation over exactly the events the API accepted.
 */
describe('exactly once: accepted events against a random schedule of faults', () => {
  afterAll(() => {
    const sum = (key: keyof Tally) => tallies.reduce((total, tally) => total + tally[key], 0);
    console.log(
      `property: ${tallies.length} seeds, ${sum('operations')} operations, ${sum('accepted')} events accepted, ${sum('crashes')} crashes between two writes, ${sum('keyedRetries')} keyed retries, ${sum('waits')} lease waits`,
    );
  });

  it.each(SEEDS)('seed %i: /stats equals the independent computation of the accepted events', async (seed) => {
    const storage = await createTestStorage(`exactly-once-${seed}`);
    try {
      const tally = await runSchedule(storage, seed);
      tallies.push(tally);
      expect(tally.accepted).toBeGreaterThan(0);
    } finally {
      await storage.destroy();
    }
  }, 120_000);
});

async function runSchedule(storage: TestStorage, seed: number): Promise<Tally> {
  const random = seededRandom(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const between = (low: number, high: number): number => low + Math.floor(random() * (high - low + 1));
  const config = rollupConfig({ rollup: { lookbackHours: 48, debounceMs: 5_000, maxCardinalityPerMetricDay: 1_000 } });
  const clock = new FakeClock(new Date(START));
  const faults = new CrashSwitch();
  const client = faults.documentClient(storage.documentClient);
  const artifacts = faults.artifactStore(storage.artifactStore);
  const rollupStore = new DynamoDbRollupStore(client, storage.names.analyticsTable, artifacts);
  const deps: JobDependencies = {
    config,
    ledger: testLedger(client, storage.names.jobsTable, clock),
    leases: new DynamoDbLeaseStore(client, storage.names.jobsTable, clock),
    artifacts,
    invoker: new RecordingInvoker(),
    clock,
    logger: silentLogger,
    catalog: catalogView(config),
  };
  const context: ApiContext = {
    deps,
    deployedAt: new Date(START),
    version: 'test',
    tokens: [],
    idempotency: new DynamoDbIdempotencyStore(client, storage.names.jobsTable),
    rollup: rollupStore,
    snapshots: new DynamoDbSnapshotStore(client, storage.names.analyticsTable),
    proofs: new DynamoDbProofIndex(client, storage.names.analyticsTable, config.retention.proofsDays),
    annotations: new DynamoDbAnnotationStore(client, storage.names.analyticsTable),
    console: { directory: 'none', assets: () => undefined },
  };
  const rollupJob = createRollupJob(rollupStore);
  const tally: Tally = { seed, operations: 0, accepted: 0, crashes: 0, keyedRetries: 0, waits: 0 };
  const accepted: GeneratedEvent[] = [];
  /** Keyed requests whose answer never came (a crash): they are sent again, as a client would. */
  const unanswered: Array<{ key: string; events: GeneratedEvent[] }> = [];
  /** Runs started by hand that wait behind a held lease: delivered again later. */
  const waiting = new Set<string>();
  let sequence = 0;

  const randomEvents = (): GeneratedEvent[] => {
    // Now-ish, inside the lookback, or 3 to 40 days back (outside it).
    const ageMs = pick([() => between(0, 3) * 3_600_000, () => between(3, 47) * 3_600_000, () => between(3, 40) * DAY_MS])();
    const base = clock.now().getTime() - ageMs;
    return Array.from({ length: between(1, 30) }, () => ({
      metric: pick(['revenue', 'orders', 'sessions']),
      ts: new Date(base - between(0, 3 * 3_600_000)).toISOString(),
      value: between(-8, 40) / 4,
      dims: { store: `s${between(1, 4)}`, ...(random() < 0.7 ? { channel: pick(['web', 'app']) } : {}) },
    }));
  };

  const ingest = async (events: GeneratedEvent[], key: string | undefined): Promise<boolean> => {
    const request: ApiRequest = {
      method: 'POST',
      path: '/events',
      pathParameters: {},
      query: {},
      headers: { 'content-type': 'application/json', ...(key ? { 'idempotency-key': key } : {}) },
      body: JSON.stringify({ events }),
      principal: { name: 'ingest-client', scopes: new Set(['ingest'] as const) },
    };
    try {
      const answer = await postEvents(request, context);
      if (answer.status !== 202) throw new Error(`ingest answered ${answer.status}: ${JSON.stringify(answer.body)}`);
      const body = answer.body as { accepted: number };
      expect(body.accepted).toBe(events.length);
      return true;
    } catch (error) {
      if (isCrash(error)) return false;
      if (httpStatusOf(error) === 409) return false;
      throw error;
    }
  };

  /** A new process after a crash: its writes go through again; reservations and leases a dead one left expire. */
  const restart = (): void => {
    faults.disarm();
  };

  const operations: Record<string, () => Promise<void>> = {
    async ingestUnkeyed() {
      // A client without a key is never retried (it could count twice), so it meets no fault.
      const events = randomEvents();
      if (await ingest(events, undefined)) accepted.push(...events);
    },
    async ingestKeyed() {
      const events = randomEvents();
      const key = `k-${seed}-${(sequence += 1)}`;
      if (random() < 0.5) faults.arm(between(0, 6));
      const answered = await ingest(events, key);
      restart();
      if (answered) accepted.push(...events);
      else unanswered.push({ key, events });
    },
    async retryUnanswered() {
      const request = unanswered.shift();
      if (!request) return;
      tally.keyedRetries += 1;
      // The dead request's reservation is taken over once it is a minute old.
      clock.advance(61_000);
      if (await ingest(request.events, request.key)) accepted.push(...request.events);
      else unanswered.push(request);
    },
    async scheduledRollup() {
      if (random() < 0.4) faults.arm(between(0, 40));
      const result = await handleInvocation(rollupJob, { type: 'rollup', trigger: 'schedule' }, deps, LIMITS).catch(expectCrash);
      restart();
      expect(result?.outcome).not.toBe('rejected');
    },
    async ingestDuringRollup() {
      // Another client's ingest lands while a rollup lists, absorbs and clears its marks.
      const events = randomEvents();
      const key = `k-${seed}-${(sequence += 1)}`;
      const [answered] = await Promise.all([
        (async () => {
          await new Promise((done) => setTimeout(done, between(0, 60)));
          return ingest(events, key);
        })(),
        handleInvocation(rollupJob, { type: 'rollup', trigger: 'schedule' }, deps, LIMITS),
      ]);
      if (answered) accepted.push(...events);
      else unanswered.push({ key, events });
    },
    async explicitRange() {
      const from = localDay(new Date(clock.now().getTime() - between(2, 30) * DAY_MS), TIMEZONE);
      if (random() < 0.3) faults.arm(between(0, 30));
      const result = await handleInvocation(rollupJob, { type: 'rollup', trigger: 'api', triggeredBy: 'operator', params: { from, to: from } }, deps, LIMITS).catch(expectCrash);
      restart();
      expect(result?.outcome).not.toBe('rejected');
      if (result && result.outcome === 'ran' && result.job.status === 'queued') {
        tally.waits += 1;
        waiting.add(result.job.id);
      }
    },
    async deliverWaiting() {
      for (const id of [...waiting]) {
        const result = await handleInvocation(rollupJob, { type: 'rollup', trigger: 'api', jobId: id }, deps, LIMITS);
        if (result.outcome === 'ran' && result.job.status !== 'queued') waiting.delete(id);
      }
    },
    async snapshotHoldsLease() {
      // A snapshot or export bringing the stats up to date, under the rollup lease (and maybe dying there).
      const run = await createRun(deps, { type: pick(['snapshot', 'export'] as const), trigger: 'api', triggeredBy: 'operator', params: {} });
      const day = localDay(new Date(clock.now().getTime() - between(1, 5) * DAY_MS), TIMEZONE);
      if (random() < 0.3) faults.arm(between(0, 30));
      await bringRollupUpToDate({ deps, store: rollupStore, from: day, to: day, jobId: run.job.id, signal: new AbortController().signal, deadline: new Date(clock.now().getTime() + 200_000), log: silentLogger, maxWaitMs: 0 }).catch(expectCrashOrBusy);
      restart();
    },
    async timePasses() {
      clock.advance(between(1, 30) * 1000);
    },
  };
  const weights: Array<[keyof typeof operations, number]> = [
    ['ingestUnkeyed', 3],
    ['ingestKeyed', 5],
    ['retryUnanswered', 2],
    ['scheduledRollup', 3],
    ['ingestDuringRollup', 3],
    ['explicitRange', 2],
    ['deliverWaiting', 2],
    ['snapshotHoldsLease', 2],
    ['timePasses', 3],
  ];
  const total = weights.reduce((sum, [, weight]) => sum + weight, 0);
  const crashesBefore = faults.crashes;

  // Act: the random schedule.
  for (let step = 0; step < OPERATIONS_PER_SEED; step += 1) {
    let roll = random() * total;
    const [name] = weights.find(([, weight]) => (roll -= weight) < 0) ?? weights[0]!;
    await operations[name]!();
    tally.operations += 1;
  }

  // Settle, as time and the clients would: every unanswered request is sent again until it is
  // answered, dead leases expire, waiting runs run, and rollups run until nothing is left.
  faults.disarm();
  for (let round = 0; unanswered.length > 0; round += 1) {
    if (round > 20) throw new Error('keyed retries never got an answer');
    await operations['retryUnanswered']!();
  }
  clock.advance(21_000);
  for (let round = 0; waiting.size > 0; round += 1) {
    if (round > 10) throw new Error(`runs still waiting: ${[...waiting].join(', ')}`);
    await operations['deliverWaiting']!();
    clock.advance(21_000);
  }
  for (let round = 0; (await rollupStore.unfinishedHours()).size > 0; round += 1) {
    const settling = await handleInvocation(rollupJob, { type: 'rollup', trigger: 'schedule' }, deps, LIMITS);
    if (round > 5) throw new Error(`unfinished hours remain: ${[...(await rollupStore.unfinishedHours())].join(', ')}; last run ${JSON.stringify(settling)}`);
    clock.advance(21_000);
  }

  // Assess
  tally.accepted = accepted.length;
  tally.crashes = faults.crashes - crashesBefore;
  expect(sortedRows(await storedDailyStats(storage))).toEqual(sortedRows(expectedDailyStats(accepted, TIMEZONE, ['store', 'channel'])));
  const days = [...new Set(accepted.map((event) => localDay(new Date(event.ts), TIMEZONE)))].sort();
  if (days.length > 0) {
    const stats = await queryStats({ config, stats: rollupStore, backlog: rollupStore }, { metric: 'orders', from: days[0]!, to: days.at(-1)! });
    expect(stats.incompleteDays).toEqual([]);
  }
  return tally;
}

/** A simulated crash, as thrown or as the cause an adapter kept when it translated it. */
function isCrash(error: unknown): boolean {
  for (let current = error; current instanceof Error; current = current.cause) if (current instanceof SimulatedCrash) return true;
  return false;
}

function expectCrash(error: unknown): undefined {
  if (isCrash(error)) return undefined;
  throw error;
}

function expectCrashOrBusy(error: unknown): undefined {
  if (isCrash(error) || (error as { code?: string }).code === 'rollup_busy') return undefined;
  throw error;
}
