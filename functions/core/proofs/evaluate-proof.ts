import { DateTime } from 'luxon';
import type { CheckConfig, NightshiftConfig } from '../config';
import { InvalidPeriodError } from '../time/errors';
import { parsePeriodKey } from '../time/periods';
import { checkCompleteness } from './completeness-check';
import { baseMetricsOf, dailyValue, isRatio } from './daily-value';
import { checkFreshness } from './freshness-check';
import { checkRange } from './range-check';
import { checkRatioConsistency } from './ratio-consistency-check';
import { checkTrend, type BaselineCandidate } from './trend-check';
import { emptyCalendar } from '../calendar/proof-calendar';
import type { DayMark, ProofCalendar } from '../calendar/types';
import { calendarExclusion, trendOnMarkedDay } from './calendar-verdict';
import type { CheckResult, CheckVerdict, EarlierCriticalLookup, FactsLookup, ProofStatus } from './types';

export interface ProofEvaluationInput {
  config: NightshiftConfig;
  /** The local day judged, `YYYY-MM-DD`. */
  day: string;
  /** When the proof is made: freshness asks whether the day has closed by then. */
  now: Date;
  facts: FactsLookup;
  earlierCritical: EarlierCriticalLookup;
  /** Holidays and annotations; without one, no day is marked. */
  calendar?: ProofCalendar;
}

export interface ProofEvaluation {
  status: ProofStatus;
  /** 0 pass, 1 warn, 2 critical. */
  exitCode: 0 | 1 | 2;
  summary: { pass: number; warn: number; critical: number; skipped: number; total: number };
  /** Sorted by metric, kind, id. */
  checks: CheckResult[];
  /** Metrics (and ratios) with a critical check: later proofs keep these days out of baselines. */
  criticalMetrics: string[];
  /** Holidays and annotations on the day, whatever metric they concern (one entry each). */
  calendar: DayMark[];
}

/** Entries each memo keeps before starting over (days are few; a long-lived process stays small). */
const CACHE_LIMIT = 10_000;
const periodCache = new Map<string, { end: Date; hours: number }>();

/** The day's end and length in the zone (23/24/25 hours), remembered: backfills and the benchmark ask often. */
function localDayPeriod(day: string, timezone: string): { end: Date; hours: number } {
  const cacheKey = `${timezone}|${day}`;
  let period = periodCache.get(cacheKey);
  if (!period) {
    const parsed = parsePeriodKey(day, { timezone, weekStartsOn: 'monday' });
    if (parsed.type !== 'day') throw new InvalidPeriodError(`"${day}" is not a local day`);
    period = { end: parsed.end, hours: parsed.hours };
    if (periodCache.size >= CACHE_LIMIT) periodCache.clear();
    periodCache.set(cacheKey, period);
  }
  return period;
}

const baselineDaysCache = new Map<string, readonly string[]>();

/** The same-weekday days before `day`, newest first: `points` of them (calendar dates, no zone). */
export function baselineDays(day: string, points: number): readonly string[] {
  const cacheKey = `${day}|${points}`;
  let days = baselineDaysCache.get(cacheKey);
  if (!days) {
    const start = DateTime.fromISO(day, { zone: 'utc' });
    days = Array.from({ length: points }, (_, index) => start.minus({ weeks: index + 1 }).toISODate() ?? '');
    if (baselineDaysCache.size >= CACHE_LIMIT) baselineDaysCache.clear();
    baselineDaysCache.set(cacheKey, days);
  }
  return days;
}

/**
 * The other six weekdays of the baseline's weeks, one list per weekday (newest first): the days
 * the trend check pools its spread over (`checkTrend`), the scored day's own weekday left out.
 */
export function spreadDays(day: string, points: number): readonly (readonly string[])[] {
  const cacheKey = `${day}|${points}`;
  let weekdays = spreadDaysCache.get(cacheKey);
  if (!weekdays) {
    // Calendar dates with no zone: plain UTC midnight arithmetic (a proof runs this per trend check).
    const midnight = Date.parse(`${day}T00:00:00Z`);
    weekdays = Array.from({ length: 6 }, (_, offset) =>
      Array.from({ length: points }, (_, week) => new Date(midnight - (offset + 1 + 7 * week) * DAY_MS).toISOString().slice(0, 10)),
    );
    if (spreadDaysCache.size >= CACHE_LIMIT) spreadDaysCache.clear();
    spreadDaysCache.set(cacheKey, weekdays);
  }
  return weekdays;
}

const DAY_MS = 86_400_000;
const spreadDaysCache = new Map<string, readonly (readonly string[])[]>();

/** Every (base metric, day) the checks read: the job fetches exactly these from the stats. */
export function factsNeeded(config: NightshiftConfig, day: string): { metric: string; day: string }[] {
  const needed = new Map<string, { metric: string; day: string }>();
  const add = (metric: string, onDay: string) => needed.set(`${metric}\u0001${onDay}`, { metric, day: onDay });
  for (const check of config.checks) {
    for (const subject of subjectsOf(check)) for (const metric of baseMetricsOf(config, subject)) add(metric, day);
    if (check.kind === 'trend') {
      const spread = spreadDays(day, check.baselinePoints).flat();
      for (const earlier of [...baselineDays(day, check.baselinePoints), ...spread]) for (const metric of baseMetricsOf(config, check.metric)) add(metric, earlier);
    }
  }
  return [...needed.values()].sort((a, b) => compare(`${a.metric}\u0001${a.day}`, `${b.metric}\u0001${b.day}`));
}

/** The metrics a check is about: the days it finds critical leave these metrics' baselines. */
export function subjectsOf(check: CheckConfig): string[] {
  if (check.kind !== 'ratio_consistency') return [check.metric];
  return [check.numerator, check.denominator, ...(check.ratio ? [check.ratio] : [])];
}

/**
 * Runs every configured check for one day over the given facts. Pure: the job and the quality
 * benchmark call this same function, the job with facts read from the stats, the benchmark
 * with generated ones.
 */
export function evaluateProof(input: ProofEvaluationInput): ProofEvaluation {
  const { config, day } = input;
  const period = localDayPeriod(day, config.timezone);
  const ids = new Map<string, number>();
  const checks = config.checks.map((check): CheckResult => {
    const subject = check.kind === 'ratio_consistency' ? `${check.numerator}/${check.denominator}` : check.metric;
    const baseId = `${check.kind}:${subject}`;
    const seen = (ids.get(baseId) ?? 0) + 1;
    ids.set(baseId, seen);
    const { kind, ...parameters } = check;
    const verdict = runCheck(check, input, period.end, period.hours);
    return { id: seen === 1 ? baseId : `${baseId}#${seen}`, kind, metric: subject, parameters, ...verdict };
  });
  const criticalMetrics = new Set<string>();
  config.checks.forEach((check, index) => {
    if (checks[index]?.status === 'critical') for (const subject of subjectsOf(check)) criticalMetrics.add(subject);
  });
  checks.sort((a, b) => compare(a.metric, b.metric) || compare(a.kind, b.kind) || compare(a.id, b.id));

  const summary = { pass: 0, warn: 0, critical: 0, skipped: 0, total: checks.length };
  for (const check of checks) summary[check.status] += 1;
  const status: ProofStatus = summary.critical > 0 ? 'critical' : summary.warn > 0 ? 'warn' : 'pass';
  const exitCode = status === 'critical' ? 2 : status === 'warn' ? 1 : 0;
  return { status, exitCode, summary, checks, criticalMetrics: [...criticalMetrics].sort(compare), calendar: marksOfDay(input) };
}

function marksOfDay({ config, day, calendar }: ProofEvaluationInput): DayMark[] {
  if (!calendar) return [];
  const seen = new Map<string, DayMark>();
  for (const check of config.checks) {
    for (const subject of subjectsOf(check)) {
      for (const mark of calendar.marksOn(day, subject)) seen.set(mark.source === 'holiday' ? `holiday:${mark.name}` : `annotation:${mark.id}`, mark);
    }
  }
  return [...seen.values()];
}

function runCheck(check: CheckConfig, input: ProofEvaluationInput, dayEnd: Date, hoursInDay: number): CheckVerdict {
  const { config, day, facts } = input;
  switch (check.kind) {
    case 'range':
      return checkRange(check, dailyValue(config, check.metric, day, facts), isRatio(config, check.metric));
    case 'trend': {
      const calendar = input.calendar ?? emptyCalendar;
      const candidate = (earlier: string): BaselineCandidate => {
        const exclusion = calendarExclusion(calendar, check.metric, day, earlier);
        return {
          day: earlier,
          value: dailyValue(config, check.metric, earlier, facts),
          earlierCritical: input.earlierCritical(check.metric, earlier),
          ...(exclusion ? { calendarExclusion: exclusion } : {}),
        };
      };
      const candidates = baselineDays(day, check.baselinePoints).map(candidate);
      const otherWeekdays = spreadDays(day, check.baselinePoints).map((days) => days.map(candidate));
      const verdict = checkTrend(check, dailyValue(config, check.metric, day, facts), candidates, isRatio(config, check.metric), otherWeekdays);
      return trendOnMarkedDay(verdict, calendar.marksOn(day, check.metric), calendar.newNormalSince(day, check.metric));
    }
    case 'freshness':
    case 'completeness': {
      // A ratio is as fresh and complete as its denominator (its numerator may be sparse).
      const metric = baseMetricsOf(config, check.metric).at(-1) ?? check.metric;
      const meta = facts(metric, day).meta;
      return check.kind === 'freshness' ? checkFreshness(check, meta, dayEnd, input.now) : checkCompleteness(check, meta, hoursInDay);
    }
    case 'ratio_consistency':
      return checkRatioConsistency(check, facts(check.numerator, day).sum, facts(check.denominator, day).sum);
  }
}

export function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * "Earlier critical" from earlier proofs (date → metrics with a critical check): a day leaves a
 * metric's baseline when that metric, or for a ratio either of its parts, was critical. Days
 * without an earlier proof are judged by the trend check's own outlier rule instead.
 */
export function earlierCriticalFrom(config: NightshiftConfig, criticalByDay: ReadonlyMap<string, readonly string[]>): EarlierCriticalLookup {
  return (metric, day) => {
    const critical = criticalByDay.get(day);
    if (!critical || critical.length === 0) return false;
    return [metric, ...(isRatio(config, metric) ? baseMetricsOf(config, metric) : [])].some((subject) => critical.includes(subject));
  };
}
