import type { RollupBenchOptions } from './args';
import type { Dataset } from './dataset';
import { formatTable, round, verdict, type Cell } from './report';
import { mb, type AmplificationResult, type DuckDbResult, type OursResult, type RssFigures, type ThroughputResult, type WorkerReport } from './shared';
import type { Comparison } from './verify';

export interface Figures {
  options: RollupBenchOptions;
  dataset: Dataset;
  idle: RssFigures;
  floor?: WorkerReport<ThroughputResult>;
  ours?: WorkerReport<OursResult>;
  /** DuckDB's fastest formulation that agrees with ours: the anchor. */
  duckdb?: WorkerReport<DuckDbResult>;
  /** Every formulation that ran, the anchor among them. */
  duckdbFormulations: Array<WorkerReport<DuckDbResult>>;
  amplification?: WorkerReport<AmplificationResult>;
  /** Why the simulated day could not be measured (its worker's output says more). */
  amplificationError?: string;
  comparison?: Comparison;
  loadBefore: string;
  loadAfter: string;
  cores: number;
  profileLines: string[];
}

/** The targets of issue 3. */
const TARGETS = { ratioVsDuckdb: 0.5, readAmplification: 1.2, peakRssMb: 200 } as const;

function perSecond(result: ThroughputResult | undefined): number | undefined {
  return result === undefined || result.seconds <= 0 ? undefined : result.events / result.seconds;
}

function ratio(a: number | undefined, b: number | undefined): number | undefined {
  return a === undefined || b === undefined || b === 0 ? undefined : a / b;
}

/** Ratios always with three decimals, so 1.000 does not read as a count. */
function ratioCell(value: number | undefined): Cell {
  return value === undefined ? undefined : value.toFixed(3);
}

function readAmplificationOf(result: AmplificationResult | undefined): number | undefined {
  if (result === undefined || result.bytesIngested === 0) return undefined;
  return (result.eventBytesRead + result.otherBytesRead) / result.bytesIngested;
}

function phaseRows(figures: Figures, oursRate: number | undefined): Cell[][] {
  const { dataset, floor, ours, duckdb, amplification } = figures;
  const rows: Cell[][] = [
    [
      'data',
      dataset.events,
      round(dataset.generateSeconds, 2),
      undefined,
      undefined,
      undefined,
      undefined,
      `${dataset.files.length} gzip NDJSON files, ${mb(dataset.rawBytes).toFixed(1)} MB raw, ${mb(dataset.gzBytes).toFixed(1)} MB gzip; ${dataset.reused ? 'reused cache' : 'generated'} ${dataset.dir}`,
    ],
    ['idle worker', undefined, undefined, undefined, undefined, round(mb(figures.idle.peakBytes), 1), undefined, 'a fresh Node + tsx process before any phase loads (baseline of every RSS below)'],
  ];
  if (floor) {
    const rate = perSecond(floor.result);
    rows.push(['floor', floor.result.events, round(floor.result.seconds, 3), round(floor.cpuSeconds, 2), rate, round(mb(floor.rss.peakBytes), 1), ratioCell(ratio(oursRate, rate)), `gunzip + newline split only, ${floor.result.mode}; ratio = ours ÷ floor`]);
  }
  if (ours) {
    rows.push(['ours', ours.result.events, round(ours.result.seconds, 3), round(ours.cpuSeconds, 2), oursRate, round(mb(ours.rss.peakBytes), 1), undefined, `aggregateObject on every file, ${ours.result.mode}; ${ours.result.groups.length} groups`]);
  }
  for (const formulation of figures.duckdbFormulations) {
    const rate = perSecond(formulation.result);
    const best = formulation === duckdb ? ' (the anchor: fastest correct)' : '';
    rows.push([
      `DuckDB ${formulation.result.formulation}`,
      formulation.result.events,
      round(formulation.result.seconds, 3),
      round(formulation.cpuSeconds, 2),
      rate,
      round(mb(formulation.rss.peakBytes), 1),
      ratioCell(ratio(oursRate, rate)),
      `${formulation.result.version}, ${formulation.result.mode}; day by ${formulation.result.dayMethod}; ratio = ours ÷ this${best}`,
    ]);
  }
  if (amplification) {
    const a = amplification.result;
    const statuses = Object.entries(a.statuses).map(([status, count]) => `${count} ${status}`).join(', ');
    rows.push([
      'simulated day',
      a.events,
      round(a.rollupSeconds, 2),
      round(amplification.cpuSeconds, 2),
      a.rollupSeconds > 0 ? a.events / a.rollupSeconds : undefined,
      round(mb(amplification.rss.peakBytes), 1),
      ratioCell(readAmplificationOf(a)),
      `${a.runs} hourly rollups (${statuses}) over DynamoDB Local + s3rver; ${a.objects} objects; ratio = bytes read ÷ bytes ingested`,
    ]);
  }
  return rows;
}

function amplificationNotes(result: AmplificationResult): string[] {
  const kb = (bytes: number): string => `${(bytes / 1024).toFixed(1)} KiB`;
  const lines = [
    `read amplification: ingested ${kb(result.bytesIngested)} in ${result.objects} gzip objects; the rollups read ${kb(result.eventBytesRead)} of event objects ` +
      `(${(result.eventBytesRead / Math.max(1, result.bytesIngested)).toFixed(3)}×) and ${kb(result.otherBytesRead)} of other objects (their own state) through the ArtifactStore`,
  ];
  if (result.summaryBytesRead !== undefined) {
    lines.push(`  the runs' summaries report ${kb(result.summaryBytesRead)} read in total (field "${result.summaryBytesField ?? ''}")`);
  } else {
    lines.push('  the runs\u2019 summaries report no bytes-read figure; the counting ArtifactStore is the measure');
  }
  if (result.eventsAbsorbed !== undefined) {
    const exact = result.eventsAbsorbed === result.events;
    lines.push(`  events absorbed by the ${result.runs} runs (summary "events"): ${result.eventsAbsorbed} of ${result.events} written${exact ? ', each exactly once' : ' — NOT each exactly once: the ratio is not to be trusted'}`);
  }
  if (result.lastSummary !== undefined) lines.push(`  last run's summary: ${JSON.stringify(result.lastSummary).slice(0, 400)}`);
  return lines;
}

/** Prints the tables, the notes and, last, the JSON line. Returns false when verification failed. */
export function printReport(figures: Figures): boolean {
  const oursRate = perSecond(figures.ours?.result);
  const duckdbRate = perSecond(figures.duckdb?.result);
  const floorRate = perSecond(figures.floor?.result);
  const ratioVsDuckdb = ratio(oursRate, duckdbRate);
  const ratioVsFloor = ratio(oursRate, floorRate);
  const peakRssMb = figures.ours === undefined ? undefined : mb(figures.ours.rss.peakBytes);
  const readAmplification = readAmplificationOf(figures.amplification?.result);
  const comparison = figures.comparison;
  const verified = comparison === undefined || comparison.problems.length === 0;

  const out: string[] = [''];
  out.push(`Rollup benchmark — ${figures.cores} cores, load average ${figures.loadBefore} before, ${figures.loadAfter} after (1, 5, 15 min)`);
  out.push('seconds: wall time of the phase\'s work; CPU s: user + system time of its process, all threads (DuckDB runs several)');
  if (figures.options.repeat > 1) out.push(`each throughput phase ran ${figures.options.repeat} times; the fastest run is shown, RSS is the highest seen`);
  out.push('', formatTable(['phase', 'events', 'seconds', 'CPU s', 'events/s', 'peak RSS MB', 'ratio', 'notes'], phaseRows(figures, oursRate)), '');

  const targetRows: Cell[][] = [];
  const target = (name: string, value: number | undefined, goal: string, pass: (value: number) => boolean, digits = 3): void => {
    targetRows.push([name, value === undefined ? undefined : value.toFixed(digits), goal, value === undefined ? 'not measured' : verdict(pass(value))]);
  };
  target('ours ÷ best DuckDB', ratioVsDuckdb, `≥ ${TARGETS.ratioVsDuckdb}`, (v) => v >= TARGETS.ratioVsDuckdb);
  const amplified = figures.amplification?.result;
  const allAbsorbed = amplified?.eventsAbsorbed === undefined || amplified.eventsAbsorbed === amplified.events;
  target('read amplification', readAmplification, `≤ ${TARGETS.readAmplification}`, (v) => allAbsorbed && v <= TARGETS.readAmplification);
  target('peak RSS of ours, MB', peakRssMb, `≤ ${TARGETS.peakRssMb}`, (v) => v <= TARGETS.peakRssMb, 1);
  if (comparison !== undefined) {
    const detail = `${comparison.groups} groups, ${comparison.events.toLocaleString('en-US')} events, max relative difference ${comparison.maxRelativeDifference.toExponential(2)}`;
    targetRows.push(['totals: ours = DuckDB', detail, 'counts exact, sum/min/max ≤ 1e-6 relative', verdict(verified)]);
  }
  out.push(formatTable(['target', 'value', 'goal', 'verdict'], targetRows));

  if (figures.ours && figures.duckdb && figures.ours.cpuSeconds > 0 && figures.duckdb.cpuSeconds > 0) {
    const oursPerCpu = figures.ours.result.events / figures.ours.cpuSeconds;
    const duckdbPerCpu = figures.duckdb.result.events / figures.duckdb.cpuSeconds;
    out.push(
      '',
      `per CPU second (less swayed by other load than wall time): ours ${Math.round(oursPerCpu).toLocaleString('en-US')} events, ` +
        `DuckDB ${Math.round(duckdbPerCpu).toLocaleString('en-US')} events (ours ÷ DuckDB ${(oursPerCpu / duckdbPerCpu).toFixed(3)}); ` +
        `DuckDB ran ${figures.duckdb.result.threads} thread${figures.duckdb.result.threads === 1 ? '' : 's'}, ours runs its line loop on one`,
    );
  }
  if (figures.amplification) out.push('', ...amplificationNotes(figures.amplification.result));
  if (figures.amplificationError !== undefined) out.push('', `READ AMPLIFICATION FAILED: ${figures.amplificationError} (the worker's error is printed above)`);
  if (figures.profileLines.length > 0) out.push('', ...figures.profileLines);
  if (!verified && comparison !== undefined) {
    out.push('', `VERIFICATION FAILED: ${comparison.problems.length} problem(s); the figures above are not to be trusted`);
    out.push(...comparison.problems.slice(0, 25).map((problem) => `  ${problem}`));
    if (comparison.problems.length > 25) out.push(`  … and ${comparison.problems.length - 25} more`);
    process.stderr.write(`rollup benchmark: ours and DuckDB disagree (${comparison.problems.length} problem(s)); see above\n`);
  }

  const json = {
    eventsPerSec: oursRate === undefined ? null : Math.round(oursRate),
    duckdbEventsPerSec: duckdbRate === undefined ? null : Math.round(duckdbRate),
    duckdbBest: figures.duckdb?.result.formulation ?? null,
    duckdbByFormulation: Object.fromEntries(figures.duckdbFormulations.map((formulation) => [formulation.result.formulation, Math.round(perSecond(formulation.result) ?? 0)])),
    ratioVsDuckdb: ratioVsDuckdb === undefined ? null : round(ratioVsDuckdb, 3),
    floorEventsPerSec: floorRate === undefined ? null : Math.round(floorRate),
    ratioVsFloor: ratioVsFloor === undefined ? null : round(ratioVsFloor, 3),
    peakRssMb: peakRssMb === undefined ? null : round(peakRssMb, 1),
    readAmplification: readAmplification === undefined ? null : round(readAmplification, 3),
  };
  out.push('', JSON.stringify(json));
  process.stdout.write(`${out.join('\n')}\n`);
  return verified;
}
