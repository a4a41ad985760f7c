import { mkdtemp } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { HELP, parseArgs, UsageError, type RollupBenchOptions } from './args';
import { defaultSpec, localDaysOf, prepareDataset, type Dataset } from './dataset';
import { runInWorker } from './fork';
import type { AmplificationInput } from './phase-amplification';
import { DUCKDB_FORMULATIONS, type DuckDbFormulation, type DuckDbInput } from './phase-duckdb';
import type { OursInput } from './phase-ours';
import { summarizeProfile } from './profile';
import { printReport, type Figures } from './summary';
import { compareGroups, groupRowOf, type Comparison } from './verify';
import { DIMENSIONS, METRICS, TIMEZONE, type AmplificationResult, type DuckDbResult, type OursResult, type ThroughputResult, type WorkerReport } from './shared';

function progress(line: string): void {
  process.stderr.write(`[bench rollup] ${line}\n`);
}

function loadAverage(): string {
  return loadavg().map((value) => value.toFixed(2)).join(' ');
}

/** Keeps the fastest run of a phase, and the highest RSS peak seen over all its runs. */
function keepBest<R extends ThroughputResult>(best: WorkerReport<R> | undefined, next: WorkerReport<R>): WorkerReport<R> {
  const rate = Math.round(next.result.events / next.result.seconds).toLocaleString('en-US');
  progress(`  → ${rate} events/s (${next.result.seconds.toFixed(3)} s, CPU ${next.cpuSeconds.toFixed(2)} s), peak RSS ${(next.rss.peakBytes / 1048576).toFixed(1)} MB; load average ${loadAverage()}`);
  if (best === undefined) return next;
  const faster = next.result.seconds < best.result.seconds ? next : best;
  const peakBytes = Math.max(best.rss.peakBytes, next.rss.peakBytes);
  const sampledPeakBytes = Math.max(best.rss.sampledPeakBytes, next.rss.sampledPeakBytes);
  return { result: faster.result, rss: { peakBytes, sampledPeakBytes }, cpuSeconds: faster.cpuSeconds };
}

/** Ours against DuckDB and against what was generated: any difference fails the benchmark. */
function verify(dataset: Dataset, ours: OursResult | undefined, duckdb: DuckDbResult | undefined, floor: ThroughputResult | undefined): Comparison | undefined {
  const problems: string[] = [];
  if (ours !== undefined) {
    if (ours.events !== dataset.events) problems.push(`ours counted ${ours.events} events; ${dataset.events} were generated`);
    if (ours.malformed !== 0 || ours.unknownMetric !== 0) problems.push(`ours found ${ours.malformed} malformed lines and ${ours.unknownMetric} of unknown metrics in clean data`);
  }
  if (floor !== undefined && floor.events !== dataset.events) problems.push(`the floor counted ${floor.events} lines; ${dataset.events} were generated`);
  if (duckdb !== undefined && duckdb.events !== dataset.events) problems.push(`DuckDB counted ${duckdb.events} events; ${dataset.events} were generated`);
  if (ours === undefined || duckdb === undefined) return problems.length === 0 ? undefined : { groups: 0, events: 0, maxRelativeDifference: 0, problems };
  const comparison = compareGroups(ours.groups.map(groupRowOf), duckdb.groups);
  return { ...comparison, problems: [...problems, ...comparison.problems] };
}

async function throughputPhases(
  dataset: Dataset,
  options: RollupBenchOptions,
): Promise<{ floor?: WorkerReport<ThroughputResult>; ours?: WorkerReport<OursResult>; duckdb: Array<WorkerReport<DuckDbResult>>; profileLines: string[] }> {
  const files = dataset.files.map((file) => file.path);
  const oursInput: OursInput = { files, concurrency: options.concurrency, timezone: TIMEZONE, metrics: [...METRICS], keptDimensions: [...DIMENSIONS] };
  const duckdbInput: Omit<DuckDbInput, 'formulation'> = {
    files,
    timezone: TIMEZONE,
    threads: options.duckdbThreads,
    // A day either side, so nothing falls outside the bounds in the no-ICU fallback.
    dayBounds: localDaysOf(dataset.spec, 1).map((day) => ({ day: day.key, startIso: day.start.toISOString(), endIso: day.end.toISOString() })),
  };
  const profileDir = options.profile ? await mkdtemp(join(tmpdir(), 'nightshift-bench-profile-')) : undefined;

  let floor: WorkerReport<ThroughputResult> | undefined;
  let ours: WorkerReport<OursResult> | undefined;
  const duckdb = new Map<DuckDbFormulation, WorkerReport<DuckDbResult>>();
  for (let round = 1; round <= options.repeat; round++) {
    const of = options.repeat > 1 ? ` (run ${round}/${options.repeat})` : '';
    if (!options.skip.has('floor')) {
      progress(`floor: gunzip + line split${of} …`);
      floor = keepBest(floor, await runInWorker<ThroughputResult>('floor', { files, concurrency: options.concurrency }));
    }
    progress(`ours: aggregateObject${of} …`);
    ours = keepBest(ours, await runInWorker<OursResult>('ours', oursInput));
    if (!options.skip.has('duckdb')) {
      for (const formulation of DUCKDB_FORMULATIONS) {
        progress(`DuckDB: read_ndjson + GROUP BY, day by ${formulation}${of} …`);
        duckdb.set(formulation, keepBest(duckdb.get(formulation), await runInWorker<DuckDbResult>('duckdb', { ...duckdbInput, formulation })));
      }
    }
  }
  let profileLines: string[] = [];
  if (profileDir !== undefined) {
    // A run of its own: profiling slows it down, so it never counts among the measured ones.
    progress('ours again, CPU-profiled (not measured) …');
    await runInWorker<OursResult>('ours', oursInput, { cpuProfileDir: profileDir });
    profileLines = await summarizeProfile(profileDir);
  }
  return { ...(floor ? { floor } : {}), ...(ours ? { ours } : {}), duckdb: [...duckdb.values()], profileLines };
}

export async function runRollupBenchmark(args: readonly string[]): Promise<number> {
  let options: RollupBenchOptions;
  try {
    options = parseArgs(args);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`${error.message}\n\n${HELP}\n`);
    return 2;
  }
  if (options.help) {
    process.stdout.write(`${HELP}\n`);
    return 0;
  }

  const loadBefore = loadAverage();
  progress(`${cpus().length} cores, Node ${process.version}, load average ${loadBefore}`);
  const dataset = await prepareDataset(defaultSpec(options.events), { fresh: options.fresh, log: progress });
  progress(dataset.reused ? `reusing cached data in ${dataset.dir}` : `generated data in ${dataset.dir} (${dataset.generateSeconds.toFixed(1)} s)`);

  const idle = await runInWorker<unknown>('idle', {});
  const { floor, ours, duckdb: formulations, profileLines } = await throughputPhases(dataset, options);
  // The anchor is DuckDB's fastest formulation among those that agree with ours.
  const checked = formulations.map((report) => ({ report, comparison: verify(dataset, ours?.result, report.result, floor?.result) }));
  const correct = checked.filter(({ comparison }) => comparison === undefined || comparison.problems.length === 0);
  const fastest = (correct.length > 0 ? correct : checked).reduce<(typeof checked)[number] | undefined>((best, next) => (best === undefined || next.report.result.seconds < best.report.result.seconds ? next : best), undefined);
  const duckdb = fastest?.report;
  const comparison = fastest ? fastest.comparison : verify(dataset, ours?.result, undefined, floor?.result);

  let amplification: WorkerReport<AmplificationResult> | undefined;
  let amplificationError: string | undefined;
  if (!options.skip.has('amplification')) {
    progress('read amplification: emulators + 24 hourly rollups of a simulated day …');
    const input: AmplificationInput = { day: '2026-11-20', objectsPerHour: 3, eventsPerObject: 2000, seed: 7 };
    try {
      amplification = await runInWorker<AmplificationResult>('amplification', input);
    } catch (error) {
      // The throughput figures still stand; the run fails, and says why.
      amplificationError = error instanceof Error ? error.message : String(error);
    }
  }

  const figures: Figures = {
    options,
    dataset,
    idle: idle.rss,
    ...(floor ? { floor } : {}),
    ...(ours ? { ours } : {}),
    ...(duckdb ? { duckdb } : {}),
    duckdbFormulations: formulations,
    ...(amplification ? { amplification } : {}),
    ...(amplificationError !== undefined ? { amplificationError } : {}),
    ...(comparison ? { comparison } : {}),
    loadBefore,
    loadAfter: loadAverage(),
    cores: cpus().length,
    profileLines,
  };
  const verified = printReport(figures);
  return verified && amplificationError === undefined ? 0 : 1;
}
