import type { JobDependencies, JobOutcome } from '../../core/jobs/definition';
import { describeError, errorFields } from '../../core/errors';
import { InvalidJobParamsError } from '../../core/jobs/errors';
import type { MetricDay } from '../../core/rollup/ports';
import type { MetricDayFacts } from '../../core/proofs/types';
import { firstEventHour } from '../../core/events/event-objects';
import { baselineDays, earlierCriticalFrom, evaluateProof, factsNeeded } from '../../core/proofs/evaluate-proof';
import { cellsNeeded, explainProof } from '../../core/proofs/explain';
import { proofDocument, proofKey, serializeProof, type Anomaly, type ProofDocument } from '../../core/proofs/document';
import type { Alerter } from '../../core/proofs/ports';
import { parsePeriodKey } from '../../core/time/periods';
import { bringRollupUpToDate } from '../rollup/bring-up-to-date';
import type { JobRun, JobServices } from '../job-type-definition';
import type { SamplingProofParams } from './params';
import { factsKey, readCells, readFacts } from './read-facts';
import { CRITICAL_PROOF_EXIT_CODE } from './verdict';
import { readCalendar } from './read-calendar';
import { trendBands } from '../../core/proofs/trend-bands';
import { describeMark } from '../../core/calendar/types';

/** One sampling proof run (see `samplingProofJob`): the verdict, its artifact and index entry, and the alert. */
export const samplingProofRun: JobRun<SamplingProofParams, Pick<JobServices, 'rollup' | 'proofs' | 'annotations' | 'holidays' | 'alerter'>> = async (
  { job, deps, signal, deadline, log, artifacts },
  { rollup: store, proofs: index, annotations, holidays, alerter },
): Promise<JobOutcome> => {
  const { config } = deps;
  const day = job.period;
  const period = day === undefined ? undefined : parsePeriodKey(day, config);
  if (day === undefined || period?.type !== 'day') {
    throw new InvalidJobParamsError(`a sampling proof covers a local day (2026-11-22), not ${day === undefined ? 'no period' : `"${day}"`}`);
  }
  // A day still open would only prove that it is incomplete (and alert about it).
  if (deps.clock.now().getTime() < period.end.getTime()) {
    throw new InvalidJobParamsError(`${day} has not closed yet (it ends ${period.endLocal}); prove it after that`);
  }
  let document: ProofDocument;
  let criticalMetrics: string[];
  let alreadyAlerted: boolean;
  try {
    const rollup = await bringRollupUpToDate({ deps, from: day, to: day, jobId: job.id, signal, deadline, log, store });
    const longestBaseline = Math.max(0, ...config.checks.map((check) => (check.kind === 'trend' ? check.baselinePoints : 0)));
    const earliest = baselineDays(day, longestBaseline).at(-1) ?? day;
    const needed = factsNeeded(config, day);
    const [facts, earlier, calendar] = await Promise.all([readFacts(store, needed, signal), index.list(earliest, day), readCalendar(config, annotations, holidays, earliest, day)]);
    const beforeData = await beforeFirstData(deps, needed, facts, day, period.end);
    if (beforeData) {
      log.info('nothing to prove: the day is before the first data', { day, reason: beforeData });
      return { status: 'succeeded', summary: { date: day, status: 'skipped', reason: 'before_first_data', message: beforeData } };
    }
    const criticalByDay = new Map(earlier.filter((entry) => entry.date < day).map((entry) => [entry.date, entry.criticalMetrics]));
    const now = deps.clock.now();
    const judged = evaluateProof({
      config,
      day,
      now,
      facts: (metric, onDay) => facts.get(factsKey(metric, onDay)) ?? { sum: 0, count: 0 },
      earlierCritical: earlierCriticalFrom(config, criticalByDay),
      calendar,
    });
    const cells = await readCells(store, config.timezone, cellsNeeded(config, judged, day), signal);
    const evaluation = explainProof(judged, { config, day, cells: (metric, onDay) => cells.get(factsKey(metric, onDay)) });
    document = proofDocument(evaluation, { day, config, generatedAt: now });
    criticalMetrics = evaluation.criticalMetrics;
    // A re-run (the sweeper retries a failed period once, or a forced run) that finds the same
    // verdict does not page anyone twice; a changed verdict alerts again.
    const previous = earlier.find((entry) => entry.date === day);
    alreadyAlerted =
      previous !== undefined &&
      previous.status === document.status &&
      (['pass', 'warn', 'critical', 'skipped'] as const).every((status) => previous.summary[status] === document.summary[status]) &&
      previous.criticalMetrics.join() === criticalMetrics.join();
    const ref = await artifacts.put(proofKey(day).split('/').at(-1) ?? 'proof.json', serializeProof(document), 'application/json', { key: proofKey(day) });
    await index.put({
      date: day,
      status: document.status,
      exitCode: document.exitCode,
      generatedAt: document.generatedAt,
      key: ref.key,
      jobId: job.id,
      summary: document.summary,
      criticalMetrics,
      ...(document.calendar ? { calendar: document.calendar } : {}),
      bands: trendBands(document.checks),
    });
    log.info('proof made', { day, status: document.status, summary: document.summary, rollupObjectsRead: rollup.objectsRead });
  } catch (error) {
    if (signal.aborted) throw error;
    const problem = describeError(error);
    log.error('proof could not be computed', { day, ...errorFields(error) });
    await publishAlert(alerter, log, { date: day, status: 'error', exitCode: 3, subject: `Sampling proof ${day} could not be computed`, message: problem.message, jobId: job.id });
    return { status: 'failed', exitCode: 3, error: { code: 'proof_not_computed', message: `the proof of ${day} could not be computed: ${problem.message}` }, summary: { date: day } };
  }

  const summary = { date: day, status: document.status, ...document.summary, key: proofKey(day), anomalies: document.anomalies.map(anomalyLine) };
  if (document.status !== 'pass' && alreadyAlerted) log.info('same verdict as the earlier proof of this day; not alerting again', { day, status: document.status });
  if (document.status !== 'pass' && !alreadyAlerted) {
    const status = document.status;
    await publishAlert(alerter, log, {
      date: day,
      status,
      exitCode: document.exitCode === 2 ? 2 : 1,
      subject: `Sampling proof ${day}: ${status} (${document.summary.critical} critical, ${document.summary.warn} warn)`,
      message: [...(document.calendar ? [`${day} is a marked day: ${document.calendar.map(describeMark).join('; ')}`] : []), ...summary.anomalies].join('\n'),
      jobId: job.id,
      key: proofKey(day),
    });
  }
  if (document.status === 'critical') {
    return { status: 'failed', exitCode: CRITICAL_PROOF_EXIT_CODE, summary, error: { code: 'proof_critical', message: `${document.summary.critical} critical check(s): ${criticalMetrics.join(', ')}` } };
  }
  return { status: document.status === 'warn' ? 'warning' : 'succeeded', exitCode: document.exitCode, summary };
};

/**
 * Why the day has nothing to prove, or undefined: none of its metrics has stats that day and no
 * event object is stored before the day ended (a new deployment, an empty local start). Such a
 * day is not an outage, so it is neither critical nor alerted; the first day with data is judged.
 */
async function beforeFirstData(
  deps: JobDependencies,
  needed: readonly MetricDay[],
  facts: ReadonlyMap<string, MetricDayFacts>,
  day: string,
  dayEnd: Date,
): Promise<string | undefined> {
  if (needed.some((metricDay) => metricDay.day === day && facts.get(factsKey(metricDay.metric, day))?.meta !== undefined)) return undefined;
  const firstHour = await firstEventHour(deps.artifacts);
  if (firstHour === undefined) return `no events are stored yet; ${day} has nothing to prove`;
  if (firstHour.getTime() >= dayEnd.getTime()) return `the first events stored are from ${firstHour.toISOString()}, after ${day} ended; it has nothing to prove`;
  return undefined;
}

/** An alert that cannot be sent is logged loudly; the proof itself is already stored. */
async function publishAlert(alerter: Alerter, log: JobDependencies['logger'], alert: Parameters<Alerter['publish']>[0]): Promise<void> {
  try {
    await alerter.publish(alert);
  } catch (error) {
    log.error('proof alert could not be published', { date: alert.date, status: alert.status, ...errorFields(error) });
  }
}

/** An anomaly for the run's summary and the alert: its verdict, then what explains it. */
function anomalyLine(anomaly: Anomaly): string {
  const line = `${anomaly.severity} ${anomaly.checkId}: ${anomaly.message}`;
  return anomaly.explanation && anomaly.explanation.length > 0 ? `${line} — ${anomaly.explanation.join('; ')}` : line;
}
