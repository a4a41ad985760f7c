import type { CheckConfig, NightshiftConfig } from '../../functions/core/config';
import { earlierCriticalFrom, evaluateProof } from '../../functions/core/proofs/evaluate-proof';
import type { CheckResult } from '../../functions/core/proofs/types';
import type { ProofCalendar } from '../../functions/core/calendar/types';
import { ANOMALY_SPECS, Calendar, addDays, factsKey, generateSeries, type Series } from './generator';

export interface QualityOptions {
  seed: number;
  /** Series without an injected anomaly (false alarms are counted on these). */
  cleanSeries: number;
  /** Series per anomaly kind and size. */
  seriesPerAnomaly: number;
  /** Days proven per series (a metric-month is 30 of them). */
  scoredDays: number;
}

export interface RecallRow {
  kind: string;
  size: string;
  injected: number;
  /** Found at warn or critical on one of its days, on one of its metrics. */
  found: number;
  foundCritical: number;
  recall: number;
  criticalRecall: number;
}

export interface QualityReport {
  options: QualityOptions;
  recall: RecallRow[];
  clean: { metricMonths: number; falseWarnsPerMetricMonth: number; falseCriticalsPerMetricMonth: number; skippedInsufficientHistory: number };
  /** The same, leaving out the clean series' holiday dips (flags on holidays / all holidays). */
  ordinaryDays: { falseWarnsPerMetricMonth: number; falseCriticalsPerMetricMonth: number };
  holidays: { days: number; warned: number; critical: number };
  perMetric: { metric: string; falseWarnsPerMetricMonth: number; falseCriticalsPerMetricMonth: number }[];
  /** Critical (metric, day) verdicts on a labelled anomaly / all critical verdicts. */
  criticalPrecision: number;
  criticals: { onAnomalies: number; total: number; onHolidays: number };
  /** Precision with the criticals on holiday dips left out. */
  criticalPrecisionWithoutHolidays: number;
  proofsMade: number;
}

type Worst = 'pass' | 'warn' | 'critical';

/** The metric a check judges: its metric, or the ratio a consistency check guards. */
export function judgedMetric(check: CheckConfig): string {
  return check.kind === 'ratio_consistency' ? (check.ratio ?? check.numerator) : check.metric;
}

/**
 * Proves every scored day of every series in order, the way the nightly job does (earlier
 * critical days feed later baselines), with the SAME pure `evaluateProof` the job runs, and
 * counts what was found where.
 */
export function measureQuality(config: NightshiftConfig, options: QualityOptions, proofCalendar?: ProofCalendar): QualityReport {
  const calendar = new Calendar(config);
  const metrics = [...new Set(config.checks.map(judgedMetric))].sort();
  const judgedBy = new Map(config.checks.map((check) => [check, judgedMetric(check)]));
  let proofsMade = 0;
  let skippedInsufficientHistory = 0;

  const prove = (series: Series): Map<string, Map<string, Worst>> => {
    const worstByDay = new Map<string, Map<string, Worst>>();
    const criticalByDay = new Map<string, string[]>();
    const facts = (metric: string, day: string) => series.facts.get(factsKey(metric, day)) ?? { sum: 0, count: 0 };
    for (const day of series.scoredDays) {
      const evaluation = evaluateProof({ config, day, now: new Date(calendar.of(addDays(day, 1)).end.getTime()), facts, earlierCritical: earlierCriticalFrom(config, criticalByDay), ...(proofCalendar ? { calendar: proofCalendar } : {}) });
      proofsMade += 1;
      criticalByDay.set(day, evaluation.criticalMetrics);
      worstByDay.set(day, worstPerMetric(config, evaluation.checks, judgedBy));
      skippedInsufficientHistory += evaluation.checks.filter((check) => check.reason === 'insufficient_history').length;
    }
    return worstByDay;
  };

  let seriesId = 0;
  const flagged = { warn: new Map<string, number>(), critical: new Map<string, number>() };
  let cleanDays = 0;
  let holidayDays = 0;
  const onHolidays = { warn: 0, critical: 0, warnedDays: 0, criticalDays: 0 };
  let criticalsTotal = 0;
  let criticalsOnAnomalies = 0;
  let criticalsOnHolidays = 0;
  for (let index = 0; index < options.cleanSeries; index++) {
    const series = generateSeries(seriesId++, options.seed, options.scoredDays, calendar);
    const worst = prove(series);
    cleanDays += series.scoredDays.length;
    for (const [day, perMetric] of worst) {
      const holiday = series.holidayDays.has(day);
      if (holiday) holidayDays += 1;
      const dayWorst = [...perMetric.values()].reduce<Worst>((worstSoFar, status) => (rank(status) > rank(worstSoFar) ? status : worstSoFar), 'pass');
      if (holiday && dayWorst !== 'pass') onHolidays[dayWorst === 'warn' ? 'warnedDays' : 'criticalDays'] += 1;
      for (const [metric, status] of perMetric) {
        if (status === 'pass') continue;
        flagged[status].set(metric, (flagged[status].get(metric) ?? 0) + 1);
        if (holiday) onHolidays[status] += 1;
        if (status === 'critical') criticalsTotal += 1;
        if (status === 'critical' && holiday) criticalsOnHolidays += 1;
      }
    }
  }

  const recall: RecallRow[] = [];
  for (const spec of ANOMALY_SPECS) {
    const row: RecallRow = { kind: spec.kind, size: spec.size, injected: 0, found: 0, foundCritical: 0, recall: 0, criticalRecall: 0 };
    for (let index = 0; index < options.seriesPerAnomaly; index++) {
      const series = generateSeries(seriesId++, options.seed, options.scoredDays, calendar, spec);
      const anomaly = series.anomaly;
      if (!anomaly) continue;
      const worst = prove(series);
      const labelled = new Set(anomaly.days.flatMap((day) => anomaly.metrics.map((metric) => `${metric}|${day}`)));
      let found: Worst = 'pass';
      for (const [day, perMetric] of worst) {
        for (const [metric, status] of perMetric) {
          const onAnomaly = labelled.has(`${metric}|${day}`);
          if (status === 'critical') {
            criticalsTotal += 1;
            if (onAnomaly) criticalsOnAnomalies += 1;
            else if (series.holidayDays.has(day)) criticalsOnHolidays += 1;
          }
          if (onAnomaly && rank(status) > rank(found)) found = status;
        }
      }
      row.injected += 1;
      if (found !== 'pass') row.found += 1;
      if (found === 'critical') row.foundCritical += 1;
    }
    row.recall = row.injected === 0 ? 0 : row.found / row.injected;
    row.criticalRecall = row.injected === 0 ? 0 : row.foundCritical / row.injected;
    recall.push(row);
  }

  const metricMonths = (cleanDays * metrics.length) / 30;
  const total = (which: 'warn' | 'critical') => [...flagged[which].values()].reduce((sum, count) => sum + count, 0);
  const perMetricMonths = cleanDays / 30;
  return {
    options,
    recall,
    clean: {
      metricMonths,
      falseWarnsPerMetricMonth: total('warn') / metricMonths,
      falseCriticalsPerMetricMonth: total('critical') / metricMonths,
      skippedInsufficientHistory,
    },
    ordinaryDays: {
      falseWarnsPerMetricMonth: (total('warn') - onHolidays.warn) / (((cleanDays - holidayDays) * metrics.length) / 30),
      falseCriticalsPerMetricMonth: (total('critical') - onHolidays.critical) / (((cleanDays - holidayDays) * metrics.length) / 30),
    },
    holidays: { days: holidayDays, warned: onHolidays.warnedDays, critical: onHolidays.criticalDays },
    perMetric: metrics.map((metric) => ({
      metric,
      falseWarnsPerMetricMonth: (flagged.warn.get(metric) ?? 0) / perMetricMonths,
      falseCriticalsPerMetricMonth: (flagged.critical.get(metric) ?? 0) / perMetricMonths,
    })),
    criticalPrecision: criticalsTotal === 0 ? 1 : criticalsOnAnomalies / criticalsTotal,
    criticals: { onAnomalies: criticalsOnAnomalies, total: criticalsTotal, onHolidays: criticalsOnHolidays },
    criticalPrecisionWithoutHolidays: criticalsTotal - criticalsOnHolidays === 0 ? 1 : criticalsOnAnomalies / (criticalsTotal - criticalsOnHolidays),
    proofsMade,
  };
}

function worstPerMetric(config: NightshiftConfig, checks: readonly CheckResult[], judgedBy: Map<CheckConfig, string>): Map<string, Worst> {
  const worst = new Map<string, Worst>();
  for (const check of config.checks) worst.set(judgedBy.get(check) ?? '', 'pass');
  // Results carry their subject; consistency checks are judged on the ratio they guard.
  const subjectToJudged = new Map(config.checks.map((check) => [check.kind === 'ratio_consistency' ? `${check.numerator}/${check.denominator}` : check.metric, judgedBy.get(check) ?? '']));
  for (const check of checks) {
    if (check.status !== 'warn' && check.status !== 'critical') continue;
    const metric = subjectToJudged.get(check.metric) ?? check.metric;
    if (rank(check.status) > rank(worst.get(metric) ?? 'pass')) worst.set(metric, check.status);
  }
  return worst;
}

function rank(status: Worst): number {
  return status === 'critical' ? 2 : status === 'warn' ? 1 : 0;
}
