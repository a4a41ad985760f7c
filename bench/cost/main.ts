import { gzipSync } from 'node:zlib';
import { monotonicFactory } from 'ulid';
import { DynamoDbRollupStore } from '../../functions/adapters/dynamodb/rollup-store';
import { eventHourPrefix } from '../../functions/core/events/metric-event';
import { handleInvocation } from '../../functions/core/jobs/handle-invocation';
import { createRollupJob } from '../../functions/jobs/rollup/rollup-run';
import { FakeClock } from '../../test/helpers/clock';
import { testConfig, testDependencies } from '../../test/helpers/jobs';
import { eventBatches } from '../rollup/events';
import { seededRandom } from '../rollup/prng';
import { DIMENSIONS, METRICS, TIMEZONE } from '../rollup/shared';
import { RequestCounter } from './request-counter';
import { withEmulatorStorage } from '../emulator-storage';

const HOUR_MS = 3_600_000;
const nextUlid = monotonicFactory();

interface CostArgs {
  eventsPerDay: number;
  eventsPerRequest: number;
  /** Ingest requests simulated (each followed by its own debounced rollup: the worst case). */
  runs: number;
}

function parseArgs(args: readonly string[]): CostArgs {
  const values: CostArgs = { eventsPerDay: 1_000_000, eventsPerRequest: 500, runs: 24 };
  for (let i = 0; i < args.length; i += 2) {
    const name = args[i]?.replace(/^--/, '') as keyof CostArgs | undefined;
    const value = Number(args[i + 1]);
    if (!name || !(name in values) || !Number.isInteger(value) || value <= 0) throw new Error(`usage: npm run bench -- cost [--eventsPerDay N] [--eventsPerRequest N] [--runs N]; got ${args.join(' ')}`);
    values[name] = value;
  }
  return values;
}

/**
 * Requests the rollup makes per debounced run at steady state, measured against DynamoDB Local
 * (consumed capacity reported by the emulator) and s3rver: the inputs of docs/deploy.md's cost
 * arithmetic. Each simulated ingest request writes one object of `eventsPerRequest` events in
 * the current hour, and a rollup runs after it.
 */
export async function runCostBenchmark(args: readonly string[]): Promise<number> {
  const input = parseArgs(args);
  const names = { jobsTable: 'cost-jobs', analyticsTable: 'cost-analytics', bucket: 'nightshift-cost' };
  return withEmulatorStorage(names, async (storage) => {
    const { dynamodbClient, s3 } = storage;
    const counter = new RequestCounter();
    counter.attach(dynamodbClient, s3);
    const start = Date.parse('2026-11-18T17:00:00Z');
    const clock = new FakeClock(new Date(start));
    const config = testConfig({ timezone: TIMEZONE, metrics: Object.fromEntries(METRICS.map((metric) => [metric, {}])), dimensions: [...DIMENSIONS] });
    const deps = testDependencies(storage, { clock, config });
    const store = new DynamoDbRollupStore(storage.documentClient, storage.names.analyticsTable, storage.artifactStore);
    const rollup = createRollupJob(store);
    const random = seededRandom(11);
    const spacingMs = Math.round(86_400_000 / (input.eventsPerDay / input.eventsPerRequest));

    // Warm-up: the day's stats items exist, as they would at steady state.
    for (let i = 0; i < 6; i++) await ingestAndRoll();
    counter.reset();
    const started = performance.now();
    for (let i = 0; i < input.runs; i++) await ingestAndRoll();
    const elapsedMs = performance.now() - started;

    const perRun = counter.perRun(input.runs);
    const requestsPerDay = input.eventsPerDay / input.eventsPerRequest;
    console.log(`rollup cost inputs: ${input.runs} runs after ingests of ${input.eventsPerRequest} events (${METRICS.length} metrics, 50 stores × 3 channels), ${requestsPerDay} ingest requests/day at ${input.eventsPerDay} events/day\n`);
    console.log('per run                      mean');
    for (const [name, value] of Object.entries(perRun)) console.log(`  ${name.padEnd(26)} ${value.toFixed(1)}`);
    console.log(`\n(${(elapsedMs / 1000).toFixed(1)} s against DynamoDB Local and s3rver; durations there say nothing about Lambda's)`);
    console.log(JSON.stringify({ benchmark: 'cost', ...input, ingestRequestsPerDay: requestsPerDay, perRun }));
    return 0;

    async function ingestAndRoll(): Promise<void> {
      clock.advance(spacingMs);
      const now = clock.now().getTime();
      const hourStart = now - (now % HOUR_MS);
      const lines = [...eventBatches(random, input.eventsPerRequest, hourStart, now)].join('');
      await storage.artifactStore.put(`${eventHourPrefix(now)}${nextUlid(now)}.ndjson.gz`, gzipSync(lines), 'application/x-ndjson');
      const result = await handleInvocation(rollup, { type: 'rollup', trigger: 'debounce' }, deps, { remainingMs: 300_000, marginMs: 10_000 });
      if (result.outcome === 'rejected' || (result.job.status !== 'succeeded' && result.job.status !== 'warning')) {
        throw new Error(`rollup failed: ${JSON.stringify(result)}`);
      }
    }
  });
}
