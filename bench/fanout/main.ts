import { randomBytes } from 'node:crypto';
import { DateTime } from 'luxon';
import type { NightshiftConfig } from '../../functions/core/config';
import type { JobRecord } from '../../functions/core/jobs/record';
import { buildInProcessFunctions } from '../../infra/local/in-process-functions';
import { realClock } from '../../infra/local/simulated-clock';
import { testEnvironment } from '../../test/helpers/api';
import { extraAnalyticsTable, ROLLUP_METRICS, rollupConfig, sortedRows, storedDailyStats } from '../../test/helpers/rollup-bed';
import { expectedDailyStats, generateEvents, writeEventObjects } from '../../test/helpers/rollup-events';
import type { TestStorage } from '../../test/helpers/storage';
import { withEmulatorStorage } from '../emulator-storage';
import { formatTable, round } from '../rollup/report';

const TIMEZONE = 'America/Los_Angeles';

interface FanOutArgs {
  /** Objects per local day (two days are written). */
  objectsPerDay: number;
  eventsPerObject: number;
  /** Worker counts to compare; the first is the anchor of the ratios. */
  workers: number[];
}

interface Variant {
  label: string;
  workers: number | undefined;
  seconds: number;
  events: number;
  objectsRead: number;
  childRuns: number;
  /** The coordinator's absorb phase (its workers' wall time when fanned out) and what follows it: recompute, stats, marks. */
  absorbSeconds: number;
  publishSeconds: number;
  exact: boolean;
}

function parseArgs(args: readonly string[]): FanOutArgs {
  const parsed: FanOutArgs = { objectsPerDay: 120, eventsPerObject: 200, workers: [1, 2, 4] };
  for (const arg of args) {
    const [name, value = ''] = arg.replace(/^--/, '').split('=');
    if (name === 'workers') parsed.workers = value.split(',').map(Number);
    else if (name === 'objects-per-day') parsed.objectsPerDay = Number(value);
    else if (name === 'events-per-object') parsed.eventsPerObject = Number(value);
    else throw new Error(`usage: npm run bench -- fanout [--objects-per-day=N] [--events-per-object=N] [--workers=1,2,4]; got ${arg}`);
  }
  const numbers = [parsed.objectsPerDay, parsed.eventsPerObject, ...parsed.workers];
  if (!numbers.every((n) => Number.isInteger(n) && n > 0)) throw new Error(`every figure must be a positive integer: ${args.join(' ')}`);
  return parsed;
}

/**
 * `npm run bench -- fanout`: the same event objects rolled up in the in-process local cloud
 * (the rollup function's lane, the in-process invoker, the emulators) with fan-out off and with
 * 1, 2 and 4 partition workers, each on a fresh Analytics table; every run's stats checked
 * against totals computed independently from the events. Ratios are against the 1-worker run of
 * the same invocation.
 */
export async function runFanOutBenchmark(argv: readonly string[]): Promise<number> {
  const args = parseArgs(argv);
  const today = DateTime.now().setZone(TIMEZONE).startOf('day');
  const days = [today.minus({ days: 2 }).toISODate() ?? '', today.minus({ days: 1 }).toISODate() ?? ''];
  const objectsPerHour = Math.max(1, Math.round(args.objectsPerDay / 24));
  const events = generateEvents(2026, { days, timezone: TIMEZONE, eventsPerDay: objectsPerHour * 24 * args.eventsPerObject, metrics: ROLLUP_METRICS, stores: 20, channels: ['web', 'app', 'store'] });
  const base = `bench-fanout-${randomBytes(4).toString('hex')}`;
  const names = { jobsTable: `${base}-jobs`, analyticsTable: `${base}-analytics`, bucket: base };

  const variants = await withEmulatorStorage(names, async (storage) => {
    const objects = (await writeEventObjects(storage.artifactStore, events, { objectsPerHour, seed: 2026 })).length;
    process.stderr.write(`[bench fanout] ${events.length} events in ${objects} objects over ${days.join(' and ')}\n`);
    const expected = sortedRows(expectedDailyStats(events, TIMEZONE, ['store', 'channel']));
    const results: Variant[] = [];
    for (const workers of [undefined, ...args.workers]) {
      const label = workers === undefined ? 'fan-out off' : `${workers} worker${workers === 1 ? '' : 's'}`;
      const config = rollupConfig({ rollup: { lookbackHours: 1, debounceMs: 5000, maxCardinalityPerMetricDay: 100_000, ...(workers === undefined ? {} : { fanOut: { minObjects: 1, workers } }) } });
      const run = await rollUp(storage, config, label.replace(/\W+/g, ''), { from: days[0] ?? '', to: days[1] ?? '' });
      const exact = JSON.stringify(sortedRows(await storedDailyStats(storage, run.table))) === JSON.stringify(expected);
      const summary = run.job.summary ?? {};
      const partitions = (summary['fanOut'] as { partitions: Array<{ runs: unknown[] }> } | undefined)?.partitions ?? [];
      const phases = (summary['phaseMs'] ?? {}) as Record<string, number>;
      const publishMs = (phases['recompute'] ?? 0) + (phases['stats'] ?? 0) + (phases['marks'] ?? 0);
      results.push({
        label,
        workers,
        seconds: run.seconds,
        events: Number(summary['events']),
        objectsRead: Number(summary['objectsRead']),
        childRuns: partitions.reduce((sum, partition) => sum + partition.runs.length, 0),
        absorbSeconds: (phases['absorb'] ?? 0) / 1000,
        publishSeconds: publishMs / 1000,
        exact,
      });
      process.stderr.write(`[bench fanout] ${label}: ${run.seconds.toFixed(2)} s, ${exact ? 'exact' : 'NOT EXACT'}\n`);
    }
    return results;
  });

  const anchor = variants.find((variant) => variant.workers === args.workers[0]);
  const ratio = (variant: Variant): number => (anchor ? anchor.seconds / variant.seconds : Number.NaN);
  const rows = variants.map((variant) => [
    variant.label,
    round(variant.seconds, 2),
    Math.round(events.length / variant.seconds),
    round(ratio(variant), 2),
    round(variant.absorbSeconds, 2),
    round(variant.publishSeconds, 2),
    variant.childRuns,
    variant.exact && variant.events === events.length ? 'yes' : 'NO',
  ]);
  console.log(formatTable(['variant', 'wall s', 'events/s', `speed-up vs ${args.workers[0]} worker`, 'absorb s', 'recompute+stats+marks s', 'partition runs', 'exact'], rows));
  const allExact = variants.every((variant) => variant.exact && variant.events === events.length);
  console.log(
    JSON.stringify({
      benchmark: 'fanout',
      events: events.length,
      objects: variants[0]?.objectsRead,
      anchorWorkers: args.workers[0],
      variants: variants.map((variant) => ({ workers: variant.workers ?? 0, seconds: round(variant.seconds, 2), eventsPerSecond: Math.round(events.length / variant.seconds), speedUp: round(ratio(variant), 2), absorbSeconds: round(variant.absorbSeconds, 2), publishSeconds: round(variant.publishSeconds, 2), partitionRuns: variant.childRuns, exact: variant.exact && variant.events === events.length })),
      allExact,
    }),
  );
  return allExact ? 0 : 1;
}

/** One rollup run with explicit days, through the in-process cloud on a fresh Analytics table, to its end. */
async function rollUp(storage: TestStorage, config: NightshiftConfig, label: string, params: { from: string; to: string }): Promise<{ job: JobRecord; seconds: number; table: string }> {
  const table = await extraAnalyticsTable(storage, label);
  const own: TestStorage = { ...storage, names: { ...storage.names, analyticsTable: table.name } };
  let coordinator: JobRecord | undefined;
  const functions = buildInProcessFunctions(testEnvironment(own, config), {
    clock: realClock,
    onError: (_invocation, error) => process.stderr.write(`[bench fanout] an invocation failed: ${String(error)}\n`),
    onEnded: (invocation, result) => {
      if (invocation.trigger === 'api') coordinator = (result as { job?: JobRecord }).job;
    },
  });
  const started = performance.now();
  await functions.invoker.invokeAsync({ type: 'rollup', trigger: 'api', triggeredBy: 'bench', params });
  await functions.invoker.whenIdle();
  const seconds = (performance.now() - started) / 1000;
  if (!coordinator || coordinator.status !== 'succeeded') throw new Error(`the ${label} rollup did not succeed: ${JSON.stringify(coordinator)}`);
  return { job: coordinator, seconds, table: table.name };
}

