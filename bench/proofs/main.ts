import demoConfig from '../../nightshift.config';
import { parseConfig } from '../../functions/core/config';
import { measureExplain, type ExplainReport } from './explain';
import { measureQuality, type QualityOptions, type QualityReport } from './quality';
import { proofCalendar } from '../../functions/core/calendar/proof-calendar';
import { baseMetricsOf } from '../../functions/core/proofs/daily-value';
import type { NightshiftConfig } from '../../functions/core/config';
import { BENCH_REGION, benchHolidays } from './generator';

const USAGE = `usage: npm run bench -- proofs [--seed N] [--clean N] [--per-anomaly N] [--days N]

Proves labelled synthetic daily series with the demo config's checks (nightshift.config.ts) and
the same pure check functions the sampling-proof job runs; prints recall per anomaly kind and
size, false warns / criticals per metric-month on clean series and the precision of criticals.
The series dip on the region's public holidays; every series is proven twice, without the
calendar (the config as it is) and with it (calendar.region set: holidays leave baselines and a
dip on the day itself is at most a warn), and the calendar's figures are reported beside.
  --seed N          generator seed (default 1)
  --clean N         clean series (default 200)
  --per-anomaly N   series per anomaly kind and size (default 100)
  --days N          days proven per series (default 120)
  --incidents N     planted single-dimension incidents for attribution and for the hourly watch (default 200)

Then attribution (top-1: the planted dimension value ranked first, on the days the sessions trend
check flags) and the hourly watch (minutes from an outage's start to the rollup that alerts; false
incidents on clean days) on a shop's hourly counts by store and channel.`;

type BenchOptions = QualityOptions & { incidents: number };

function parseArgs(args: readonly string[]): BenchOptions | undefined {
  const options: BenchOptions = { seed: 1, cleanSeries: 200, seriesPerAnomaly: 100, scoredDays: 120, incidents: 200 };
  const names: Record<string, keyof BenchOptions> = { '--seed': 'seed', '--clean': 'cleanSeries', '--per-anomaly': 'seriesPerAnomaly', '--days': 'scoredDays', '--incidents': 'incidents' };
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

/** The figures the calendar is judged by, for one of the two runs. */
function calendarFigures(report: QualityReport): Record<string, unknown> {
  const sessions = report.perMetric.find((row) => row.metric === 'sessions');
  return {
    falseCriticalsPerMetricMonth: round(report.clean.falseCriticalsPerMetricMonth),
    falseWarnsPerMetricMonth: round(report.clean.falseWarnsPerMetricMonth),
    sessionsFalseCriticalsPerMetricMonth: round(sessions?.falseCriticalsPerMetricMonth ?? 0),
    holidays: report.holidays,
    recall: Object.fromEntries(report.recall.map((row) => [`${row.kind} ${row.size}`, round(row.recall)])),
    criticalPrecision: round(report.criticalPrecision),
  };
}

function formatCalendarComparison(off: QualityReport, on: QualityReport): string {
  const sessions = (report: QualityReport) => report.perMetric.find((row) => row.metric === 'sessions')?.falseCriticalsPerMetricMonth ?? 0;
  const recallChanges = on.recall.flatMap((row, index) => {
    const before = off.recall[index];
    return before && row.found !== before.found ? [`${row.kind} ${row.size} ${percent(before.recall)} → ${percent(row.recall)}`] : [];
  });
  return [
    `calendar (${BENCH_REGION} public holidays)      without    with`,
    `  false criticals per metric-month   ${off.clean.falseCriticalsPerMetricMonth.toFixed(3).padStart(7)} ${on.clean.falseCriticalsPerMetricMonth.toFixed(3).padStart(7)}`,
    `  sessions alone                     ${sessions(off).toFixed(3).padStart(7)} ${sessions(on).toFixed(3).padStart(7)}`,
    `  false warns per metric-month       ${off.clean.falseWarnsPerMetricMonth.toFixed(3).padStart(7)} ${on.clean.falseWarnsPerMetricMonth.toFixed(3).padStart(7)}`,
    `  holiday days critical / warned     ${`${off.holidays.critical}/${off.holidays.warned}`.padStart(7)} ${`${on.holidays.critical}/${on.holidays.warned}`.padStart(7)} (of ${on.holidays.days})`,
    `  precision of criticals             ${percent(off.criticalPrecision).padStart(7)} ${percent(on.criticalPrecision).padStart(7)}`,
    `  recall: ${recallChanges.length === 0 ? 'unchanged for every kind and size' : recallChanges.join(', ')}`,
  ].join('\n');
}

export function formatExplainReport(report: ExplainReport): string {
  const { attribution, hourly } = report;
  return [
    `attribution: ${attribution.planted} planted single-dimension incidents, ${attribution.flagged} flagged by the sessions trend check; planted value ranked first in ${attribution.topOne} (${percent(attribution.accuracy)}, target ≥ 95%)`,
    `hourly watch: ${hourly.outages} outages (−95% of a store or a channel, 2–9 h); ${hourly.alerted} alerted during the outage; minutes from start to alert: median ${hourly.medianMinutesToAlert ?? '–'} (target ≤ 120), p90 ${hourly.p90MinutesToAlert ?? '–'}`,
    `  clean days: ${hourly.cleanHours} hours judged, ${hourly.falseIncidents} false incidents opened (${(hourly.falseIncidents / Math.max(1, hourly.cleanHours / 24)).toFixed(3)} per metric-day)`,
  ].join('\n');
}

/** The last line: one JSON object with the figures (the config as it is), the calendar's beside. */
export function reportJson(report: QualityReport, explain?: ExplainReport, withCalendar?: QualityReport): Record<string, unknown> {
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
    ...(explain
      ? {
          attributionTopOne: round(explain.attribution.accuracy),
          attributionFlagged: explain.attribution.flagged,
          hourlyOutages: explain.hourly.outages,
          hourlyAlerted: explain.hourly.alerted,
          hourlyMedianMinutesToAlert: explain.hourly.medianMinutesToAlert,
          hourlyP90MinutesToAlert: explain.hourly.p90MinutesToAlert,
          hourlyFalseIncidentsPerMetricDay: round(explain.hourly.falseIncidents / Math.max(1, explain.hourly.cleanHours / 24)),
        }
      : {}),
    ...(withCalendar ? { calendar: { region: BENCH_REGION, off: calendarFigures(report), on: calendarFigures(withCalendar) } } : {}),
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
  const config = parseConfig(demoConfig, 'nightshift.config.ts');
  const report = measureQuality(config, options);
  const calendarConfig: NightshiftConfig = { ...config, calendar: { region: BENCH_REGION, holidayTypes: ['public'] } };
  const calendar = proofCalendar({ holidays: benchHolidays, annotations: [], baseMetrics: (metric) => baseMetricsOf(calendarConfig, metric) });
  const withCalendar = measureQuality(calendarConfig, options, calendar);
  const sessionsTrend = config.checks.find((check) => check.kind === 'trend' && check.metric === 'sessions');
  if (sessionsTrend?.kind !== 'trend') throw new Error('the demo config has no trend check on sessions to measure attribution and the hourly watch with');
  const explain = measureExplain(sessionsTrend, { seed: options.seed, incidents: options.incidents });
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  process.stdout.write(`${formatReport(report)}\n${formatExplainReport(explain)}\n\n${formatCalendarComparison(report, withCalendar)}\n(${seconds} s)\n${JSON.stringify(reportJson(report, explain, withCalendar))}\n`);
  return 0;
}
