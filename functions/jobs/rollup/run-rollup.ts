import type { NightshiftConfig } from '../../core/config';
import type { ArtifactStore, Clock } from '../../core/jobs/ports';
import type { Logger } from '../../core/jobs/logger';
import type { HourKey, HourSummary, MetricDay, RollupStore } from '../../core/rollup/ports';
import { absorbObjects, mapConcurrent, scanHours, type RefusedObject } from './absorb';
import { planHours } from './hours';
import type { RollupParams } from './params';
import { compareMetricDays, metricDayId, recomputeDay, recomputeHour, type DayRecomputation } from './recompute';

export interface RollupInput {
  store: RollupStore;
  artifacts: ArtifactStore;
  config: NightshiftConfig;
  clock: Clock;
  log: Logger;
  signal: AbortSignal;
  deadline: Date;
  jobId: string;
  params: RollupParams;
}

export interface RollupReport {
  hoursScanned: number;
  /** Hours ingest marked as written since they were last listed (scanned whatever their age). */
  writtenHours: number;
  /** Of those, the marks this run cleared (not those marked again meanwhile, nor hours left unfinished). */
  writtenHoursCleared: number;
  range?: { from: string; to: string; hours: number };
  objectsListed: number;
  objectsRead: number;
  /** Objects that cannot be read whole (or are over the size cap): they count for nothing. */
  objectsRefused: number;
  /** The first few refused objects: key, size and why. */
  refusedObjects: RefusedObject[];
  objectsSkipped: number;
  objectsFailed: number;
  objectsLeft: number;
  bytesRead: number;
  lines: number;
  events: number;
  malformedLines: number;
  unknownMetricLines: number;
  hoursRecomputed: number;
  metricDaysRecomputed: number;
  statsItemsWritten: number;
  statsItemsDeleted: number;
  daysTouched: string[];
  /** The first few over-cap metric-days; `metricDaysOverCap` counts them all. */
  cardinalityWarnings: Array<{ metric: string; day: string; distinctGroups: number; kept: number }>;
  metricDaysOverCap: number;
}

/** Cardinality warnings and refused objects listed in the summary; the counts say how many there were in all. */
const MAX_LISTED_WARNINGS = 20;
const RECOMPUTE_CONCURRENCY = 8;
/** Objects stop being started once less than this share of the run's time is left: the rest is recomputation. */
const RECOMPUTE_SHARE = 0.25;

/**
 * One rollup: absorb the objects the scanned hours have not absorbed yet, then recompute every
 * pending hour (this run's and any a stopped run left), the stats of each metric-day those hours
 * touch, and only then clear the hours' pending marks. Until a mark is cleared, the next run
 * redoes that hour's recomputation, so a run stopped anywhere loses and doubles nothing.
 */
export async function runRollup(input: RollupInput): Promise<RollupReport> {
  const { store, config, signal, clock } = input;
  const startedMs = clock.now().getTime();
  // Read before listing: a mark set after this read is left for the next run.
  const written = await store.writtenHours();
  const plan = planHours({
    now: clock.now(),
    lookbackHours: config.rollup.lookbackHours,
    timezone: config.timezone,
    params: input.params,
    pending: (await store.pendingHours()).keys(),
    written: written.keys(),
  });

  const scan = await scanHours(store, input.artifacts, plan.hours, signal);
  const reserveMs = (input.deadline.getTime() - startedMs) * RECOMPUTE_SHARE;
  const absorbed = await absorbObjects({
    store,
    artifacts: input.artifacts,
    objects: scan.toRead,
    options: { timezone: config.timezone, metrics: new Set(Object.keys(config.metrics)), keptDimensions: config.dimensions },
    maxObjectBytes: config.rollup.maxObjectBytes,
    jobId: input.jobId,
    now: () => clock.now(),
    keepGoing: () => input.deadline.getTime() - clock.now().getTime() > reserveMs,
    signal,
    log: input.log,
  });

  // Every object of these hours that was listed is absorbed (or refused): their marks may go,
  // unless ingest marked one again meanwhile (the token changed), whose object the next run lists.
  const writtenCleared = await clearWrittenMarks(store, written, absorbed.unfinishedHours, signal);

  // Read after absorbing, so the marks cover this run's own absorbs; marks made after this read
  // (by a run that lost its lease but is still writing) are not cleared and get their own recompute.
  const pending = await store.pendingHours();
  const hours = [...pending.keys()].sort();
  const summaries: HourSummary[] = [];
  const touched = new Map<string, MetricDay>();
  await mapConcurrent(hours, RECOMPUTE_CONCURRENCY, async (hour) => {
    signal.throwIfAborted();
    const result = await recomputeHour(store, hour, clock.now());
    summaries.push(result.summary);
    for (const metricDay of result.touched) touched.set(metricDayId(metricDay), metricDay);
  });

  const metricDays = [...touched.values()].sort(compareMetricDays);
  const days: DayRecomputation[] = await mapConcurrent(metricDays, RECOMPUTE_CONCURRENCY, async (metricDay) => {
    signal.throwIfAborted();
    return recomputeDay(store, metricDay, { timezone: config.timezone, maxGroups: config.rollup.maxCardinalityPerMetricDay, now: clock.now() });
  });

  await mapConcurrent(summaries, RECOMPUTE_CONCURRENCY, async (summary) => {
    signal.throwIfAborted();
    await store.putHourSummary(summary);
    await store.clearPending(summary.hour, pending.get(summary.hour) ?? []);
  });

  const warnings = days.flatMap((day) => (day.overflow ? [day.overflow] : []));
  for (const warning of warnings) input.log.warn('metric-day over the cardinality cap; the smallest groups went to __other__', warning);
  return {
    hoursScanned: plan.hours.length,
    writtenHours: written.size,
    writtenHoursCleared: writtenCleared,
    ...(plan.range ? { range: plan.range } : {}),
    objectsListed: scan.listed,
    objectsRead: absorbed.objectsRead,
    objectsRefused: absorbed.objectsRefused,
    refusedObjects: absorbed.refused.slice(0, MAX_LISTED_WARNINGS),
    objectsSkipped: scan.skipped + absorbed.objectsRaced,
    objectsFailed: absorbed.objectsFailed,
    objectsLeft: absorbed.objectsLeft,
    bytesRead: absorbed.bytesRead,
    lines: absorbed.lines,
    events: absorbed.events,
    malformedLines: absorbed.malformedLines,
    unknownMetricLines: absorbed.unknownMetricLines,
    hoursRecomputed: summaries.length,
    metricDaysRecomputed: metricDays.length,
    statsItemsWritten: days.reduce((sum, day) => sum + day.written, 0),
    statsItemsDeleted: days.reduce((sum, day) => sum + day.deleted, 0),
    daysTouched: [...new Set(metricDays.map((metricDay) => metricDay.day))].sort(),
    cardinalityWarnings: warnings.slice(0, MAX_LISTED_WARNINGS),
    metricDaysOverCap: warnings.length,
  };
}

async function clearWrittenMarks(store: RollupStore, written: ReadonlyMap<HourKey, string>, unfinished: ReadonlySet<HourKey>, signal: AbortSignal): Promise<number> {
  const done = [...written].filter(([hour]) => !unfinished.has(hour));
  const cleared = await mapConcurrent(done, RECOMPUTE_CONCURRENCY, async ([hour, token]) => {
    signal.throwIfAborted();
    return store.clearWritten(hour, token);
  });
  return cleared.filter(Boolean).length;
}

/** Warnings: over-cap metric-days, objects that could not be read or were refused, work left for the next run. */
export function reportNeedsWarning(report: RollupReport): boolean {
  return report.cardinalityWarnings.length > 0 || report.objectsFailed > 0 || report.objectsRefused > 0 || report.objectsLeft > 0;
}
