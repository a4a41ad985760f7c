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
  /** Rounds of every variant, interleaved; the table shows medians. */
  rounds: number;
}

interface Variant {
  label: string;
  round: number;
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
  const parsed: FanOutArgs = { objectsPerDay: 120, eventsPerObject: 200, workers: [1, 2, 4], rounds: 2 };
  for (const arg of args) {
    const [name, value = ''] = arg.replace(/^--/, '').split('=');
    if (name === 'workers') parsed.workers = value.split(',').map(Number);
    else if (name === 'objects-per-day') parsed.objectsPerDay = Number(value);
    else if (name === 'events-per-object') parsed.eventsPerObject = Number(value);
    else if (name === 'rounds') parsed.rounds = Number(value);
    else throw new Error(`usage: npm run bench -- fanout [--objects-per-day=N] [--events-per-object=N] [--workers=1,2,4] [--rounds=N]; got ${arg}`);
  }
  const numbers = [parsed.objectsPerDay, parsed.eventsPerObject, parsed.rounds, ...parsed.workers];
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
    for (let round = 1; round <= args.rounds; round += 1)
    for (const workers of [undefined, ...args.workers]) {
      const label = workers === undefined ? 'fan-out off' : `${workers} worker${workers === 1 ? '' : 's'}`;
      const config = rollupConfig({ rollup: { lookbackHours: 1, debounceMs: 5000, maxCardinalityPerMetricDay: 100_000, ...(workers === undefined ? {} : { fanOut: { minObjects: 1, workers } }) } });
      const run = await rollUp(storage, config, `${label.replace(/\W+/g, '')}-r${round}`, { from: days[0] ?? '', to: days[1] ?? '' });
      const exact = JSON.stringify(sortedRows(await storedDailyStats(storage, run.table))) === JSON.stringify(expected);
      const summary = run.job.summary ?? {};
      const partitions = (summary['fanOut'] as { partitions: Array<{ runs: unknown[] }> } | undefined)?.partitions ?? [];
      const phases = (summary['phaseMs'] ?? {}) as Record<string, number>;
      const publishMs = (phases['recompute'] ?? 0) + (phases['stats'] ?? 0) + (phases['marks'] ?? 0);
      results.push({
        label,
        round,
        workers,
        seconds: run.seconds,
        events: Number(summary['events']),
        objectsRead: Number(summary['objectsRead']),
        childRuns: partitions.reduce((sum, partition) => sum + partition.runs.length, 0),
        absorbSeconds: (phases['absorb'] ?? 0) / 1000,
        publishSeconds: publishMs / 1000,
        exact,
      });
      process.stderr.write(`[bench fanout] round ${round}, ${label}: ${run.seconds.toFixed(2)} s, ${exact ? 'exact' : 'NOT EXACT'}\n`);
    }
    return results;
  });

  // Each variant's median over the rounds; its speed-up is the median of its ratios to the anchor of the same round.
  const anchorOf = (round: number) => variants.find((variant) => variant.round === round && variant.workers === args.workers[0]);
  const labels = [...new Set(variants.map((variant) => variant.label))];
  const summary = labels.map((label) => {
    const runs = variants.filter((variant) => variant.label === label);
    const first = runs[0]!;
    return {
      label,
      workers: first.workers,
      seconds: median(runs.map((run) => run.seconds)),
      speedUp: median(runs.map((run) => (anchorOf(run.round)?.seconds ?? Number.NaN) / run.seconds)),
      absorbSeconds: median(runs.map((run) => run.absorbSeconds)),
      publishSeconds: median(runs.map((run) => run.publishSeconds)),
      childRuns: first.childRuns,
      exact: runs.every((run) => run.exact && run.events === events.length),
      roundSeconds: runs.map((run) => round(run.seconds, 2)),
    };
  });
  const rows = summary.map((variant) => [
    variant.label,
    round(variant.seconds, 2),
    Math.round(events.length / variant.seconds),
    round(variant.speedUp, 2),
    round(variant.absorbSeconds, 2),
    round(variant.publishSeconds, 2),
    variant.childRuns,
    variant.roundSeconds.join(' / '),
    variant.exact ? 'yes' : 'NO',
  ]);
  console.log(formatTable(['variant', 'wall s (median)', 'events/s', `speed-up vs ${args.workers[0]} worker`, 'absorb s', 'recompute+stats+marks s', 'partition runs', 'each round s', 'exact'], rows));
  const allExact = summary.every((variant) => variant.exact);
  console.log(
    JSON.stringify({
      benchmark: 'fanout',
      events: events.length,
      objects: variants[0]?.objectsRead,
      rounds: args.rounds,
      anchorWorkers: args.workers[0],
      variants: summary.map((variant) => ({ workers: variant.workers ?? 0, seconds: round(variant.seconds, 2), eventsPerSecond: Math.round(events.length / variant.seconds), speedUp: round(variant.speedUp, 2), absorbSeconds: round(variant.absorbSeconds, 2), publishSeconds: round(variant.publishSeconds, 2), partitionRuns: variant.childRuns, roundSeconds: variant.roundSeconds, exact: variant.exact })),
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

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[middle] ?? Number.NaN) : ((sorted[middle - 1] ?? Number.NaN) + (sorted[middle] ?? Number.NaN)) / 2;
}
