import { gzipSync } from 'node:zlib';
import { monotonicFactory } from 'ulid';
import { DynamoDbRollupStore } from '../../functions/adapters/dynamodb/rollup-store';
import { handleInvocation } from '../../functions/core/jobs/handle-invocation';
import { eventHourPrefix } from '../../functions/core/events/metric-event';
import { parsePeriodKey } from '../../functions/core/time';
import { createRollupJob } from '../../functions/jobs/rollup/rollup-run';
import { withEmulatorStorage } from '../emulator-storage';
import { FakeClock } from '../../test/helpers/clock';
import { testConfig, testDependencies } from '../../test/helpers/jobs';
import { CountingArtifactStore } from './counting-store';
import { eventBatches } from './events';
import { seededRandom } from './prng';
import { DIMENSIONS, METRICS, TIMEZONE, type AmplificationResult } from './shared';

export interface AmplificationInput {
  /** The simulated local day. */
  day: string;
  objectsPerHour: number;
  eventsPerObject: number;
  seed: number;
}

const HOUR_MS = 3_600_000;
const nextUlid = monotonicFactory();

/** A numeric summary field that reads like "bytes read", at the top level or one level down. */
function bytesReadIn(summary: Record<string, unknown> | undefined): { field: string; value: number } | undefined {
  const candidates: Array<[string, unknown]> = [];
  for (const [key, value] of Object.entries(summary ?? {})) {
    candidates.push([key, value]);
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
      for (const [inner, innerValue] of Object.entries(value)) candidates.push([`${key}.${inner}`, innerValue]);
    }
  }
  const found = candidates.find(([key, value]) => typeof value === 'number' && /bytes_?read|read_?bytes|^bytes$/i.test(key.split('.').pop() ?? ''));
  return found === undefined ? undefined : { field: found[0], value: found[1] as number };
}


/**
 * A day of hourly rollups over real DynamoDB Local and s3rver, with a fake clock: each hour new
 * objects land in the current hour, stragglers in the previous one, and every sixth hour a late
 * object in an hour of the day before (inside the lookback). Read amplification = bytes the 24
 * rollups read ÷ bytes ingested.
 */
export async function runAmplification(input: AmplificationInput): Promise<AmplificationResult> {
  return withEmulatorStorage({ jobsTable: 'bench-jobs', analyticsTable: 'bench-analytics', bucket: 'nightshift-bench' }, async (storage) => {
    const dayStart = parsePeriodKey(input.day, { timezone: TIMEZONE, weekStartsOn: 'monday' }).start.getTime();
    const clock = new FakeClock(new Date(dayStart));
    const config = testConfig({
      timezone: TIMEZONE,
      metrics: Object.fromEntries(METRICS.map((metric) => [metric, {}])),
      dimensions: [...DIMENSIONS],
    });
    const base = testDependencies(storage, { clock, config });
    // Every read of the rollup goes through the counter: event objects, and any spilled groups
    // its store keeps in the bucket.
    const counting = new CountingArtifactStore(base.artifacts);
    const deps = { ...base, artifacts: counting };
    const store = new DynamoDbRollupStore(storage.documentClient, storage.names.analyticsTable, counting);
    const definition = createRollupJob(store);
    const random = seededRandom(input.seed);

    let objects = 0;
    let events = 0;
    let bytesIngested = 0;
    const writeObject = async (hourStartMs: number): Promise<void> => {
      const lines = [...eventBatches(random, input.eventsPerObject, hourStartMs, hourStartMs + HOUR_MS)].join('');
      const key = `${eventHourPrefix(hourStartMs)}${nextUlid(clock.now().getTime())}.ndjson.gz`;
      const stored = await storage.artifactStore.put(key, gzipSync(lines), 'application/x-ndjson');
      objects++;
      events += input.eventsPerObject;
      bytesIngested += stored.size;
    };

    const statuses: Record<string, number> = {};
    let summaryBytesRead: number | undefined;
    let summaryBytesField: string | undefined;
    let eventsAbsorbed: number | undefined;
    let lastSummary: Record<string, unknown> | undefined;
    let rollupMs = 0;
    for (let hour = 0; hour < 24; hour++) {
      const hourStart = dayStart + hour * HOUR_MS;
      clock.set(new Date(hourStart + 30 * 60_000));
      for (let i = 0; i < input.objectsPerHour; i++) await writeObject(hourStart);
      if (hour >= 1) await writeObject(hourStart - HOUR_MS);
      if (hour % 6 === 3) await writeObject(hourStart - (26 + (hour % 5)) * HOUR_MS);

      clock.set(new Date(hourStart + HOUR_MS + 5 * 60_000));
      const started = performance.now();
      const result = await handleInvocation(definition, { type: 'rollup', trigger: 'schedule', scheduledFor: new Date(hourStart + HOUR_MS).toISOString() }, deps, {
        remainingMs: 900_000,
        marginMs: 10_000,
      });
      rollupMs += performance.now() - started;
      const status = result.outcome === 'rejected' ? `rejected: ${result.reason}` : result.job.status;
      statuses[status] = (statuses[status] ?? 0) + 1;
      if (result.outcome !== 'rejected') {
        lastSummary = result.job.summary;
        const absorbed = result.job.summary?.['events'];
        if (typeof absorbed === 'number') eventsAbsorbed = (eventsAbsorbed ?? 0) + absorbed;
        const reported = bytesReadIn(result.job.summary);
        if (reported !== undefined) {
          summaryBytesRead = (summaryBytesRead ?? 0) + reported.value;
          summaryBytesField = reported.field;
        }
        if (result.job.status !== 'succeeded' && result.job.status !== 'warning') {
          throw new Error(`rollup of hour ${hour} ended ${result.job.status}: ${JSON.stringify(result.job.error ?? result.job.summary)}`);
        }
      }
    }
    return {
      runs: 24,
      statuses,
      events,
      objects,
      bytesIngested,
      eventBytesRead: counting.eventBytesRead,
      otherBytesRead: counting.otherBytesRead,
      summaryBytesRead,
      summaryBytesField,
      eventsAbsorbed,
      rollupSeconds: rollupMs / 1000,
      lastSummary,
    };
  });
}
