import demoConfig from '../../nightshift.config';
import { parseConfig } from '../../functions/core/config';
import { measureQuality, type QualityOptions, type QualityReport } from './quality';

const USAGE = `usage: npm run bench -- proofs [--seed N] [--clean N] [--per-anomaly N] [--days N]

Proves labelled synthetic daily series with the demo config's checks (nightshift.config.ts) and
the same pure check functions the sampling-proof job runs; prints recall per anomaly kind and
size, false warns / criticals per metric-month on clean series and the precision of criticals.
  --seed N          generator seed (default 1)
  --clean N         clean series (default 200)
  --per-anomaly N   series per anomaly kind and size (default 100)
  --days N          days proven per series (default 120)`;

function parseArgs(args: readonly string[]): QualityOptions | undefined {
  const options: QualityOptions = { seed: 1, cleanSeries: 200, seriesPerAnomaly: 100, scoredDays: 120 };
  const names: Record<string, keyof QualityOptions> = { '--seed': 'seed', '--clean': 'cleanSeries', '--per-anomaly': 'seriesPerAnomaly', '--days': 'scoredDays' };
  for (let index = 0; index < args.length; index += 2) {
    const name = args[index] ?? '';
    const field = names[name];
    const value = Number(args[index + 1]);
    if (!field || !Number.isInteger(value) || value < 1) throw new Error(`bad option ${name} ${args[index + 1] ?? ''}\n${USAGE}`);
    options[field] = value;
  }
  if (options.scoredDays < 21) throw new Error('--days must be at least 21 (an anomaly needs room for a 7-day shift)');
  return options;
}

const percent = (value: number) => `${(value * 100).toFixed(1)}%`;

export function formatReport(report: QualityReport): string {
  const lines = [
    `sampling-proof quality: seed ${report.options.seed}, ${report.options.cleanSeries} clean series, ${report.options.seriesPerAnomaly} per anomaly, ${report.options.scoredDays} days each (${report.proofsMade} proofs)`,
    '',
    'anomaly              size          injected  found  recall  critical',
    ...report.recall.map(
      (row) => `${row.kind.padEnd(20)} ${row.size.padEnd(13)} ${String(row.injected).padStart(8)} ${String(row.found).padStart(6)} ${percent(row.recall).padStart(7)} ${percent(row.criticalRecall).padStart(9)}`,
    ),
    '',
    `clean series: ${report.clean.metricMonths.toFixed(0)} metric-months; false warns ${report.clean.falseWarnsPerMetricMonth.toFixed(3)}, false criticals ${report.clean.falseCriticalsPerMetricMonth.toFixed(3)} per metric-month; ${report.clean.skippedInsufficientHistory} checks skipped for insufficient history`,
    `  ordinary days only (no holiday dips): false warns ${report.ordinaryDays.falseWarnsPerMetricMonth.toFixed(3)}, false criticals ${report.ordinaryDays.falseCriticalsPerMetricMonth.toFixed(3)} per metric-month`,
    `  holiday dips (unlabelled, -10..-30% traffic): ${report.holidays.days} days, ${report.holidays.warned} at warn, ${report.holidays.critical} critical`,
    ...report.perMetric.map((row) => `  ${row.metric.padEnd(16)} false warns ${row.falseWarnsPerMetricMonth.toFixed(3)}  false criticals ${row.falseCriticalsPerMetricMonth.toFixed(3)} per month`),
    `precision of criticals: ${percent(report.criticalPrecision)} (${report.criticals.onAnomalies} of ${report.criticals.total} on injected anomalies; ${report.criticals.onHolidays} on holiday dips; without those ${percent(report.criticalPrecisionWithoutHolidays)})`,
  ];
  return lines.join('\n');
}

/** The last line: one JSON object with the figures. */
export function reportJson(report: QualityReport): Record<string, unknown> {
  return {
    benchmark: 'proofs',
    seed: report.options.seed,
    recall: Object.fromEntries(report.recall.map((row) => [`${row.kind} ${row.size}`, round(row.recall)])),
    criticalRecall: Object.fromEntries(report.recall.map((row) => [`${row.kind} ${row.size}`, round(row.criticalRecall)])),
    falseWarnsPerMetricMonth: round(report.clean.falseWarnsPerMetricMonth),
    falseCriticalsPerMetricMonth: round(report.clean.falseCriticalsPerMetricMonth),
    criticalPrecision: round(report.criticalPrecision),
    ordinaryDays: { falseWarnsPerMetricMonth: round(report.ordinaryDays.falseWarnsPerMetricMonth), falseCriticalsPerMetricMonth: round(report.ordinaryDays.falseCriticalsPerMetricMonth) },
    holidays: report.holidays,
    criticalPrecisionWithoutHolidays: round(report.criticalPrecisionWithoutHolidays),
    metricMonths: Math.round(report.clean.metricMonths),
    proofs: report.proofsMade,
  };
}

const round = (value: number) => Math.round(value * 10_000) / 10_000;

export async function runProofsBenchmark(args: readonly string[]): Promise<number> {
  if (args.includes('--help')) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const options = parseArgs(args);
  if (!options) return 2;
  const started = performance.now();
  const report = measureQuality(parseConfig(demoConfig, 'nightshift.config.ts'), options);
  process.stdout.write(`${formatReport(report)}\n(${((performance.now() - started) / 1000).toFixed(1)} s)\n${JSON.stringify(reportJson(report))}\n`);
  return 0;
}
