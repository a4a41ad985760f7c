import { mapConcurrent } from '../../core/map-concurrent';
import type { HourKey, MetricDay, PendingMark } from '../../core/rollup/ports';
import { absorbObjects, absorbReport, aggregateOptions, scanHours, type AbsorbReport, type AbsorbingRunInput } from './absorb';
import { absorbInPartitions, type FannedOutAbsorb, type PartitionRunner } from './fan-out';
import { PhaseTimings, type RollupPhase } from './phase-timings';
import { planHours } from './hours';
import type { RollupParams } from './params';
import { metricDayKey } from '../../core/rollup/ports';
import { compareMetricDays, recomputeDay, recomputeHour, versionId, type DayRecomputation } from './recompute';

export interface RollupInput extends AbsorbingRunInput {
  params: RollupParams;
  /**
   * Whether to list the lookback's hours, for objects other pipelines drop (no written mark).
   * A debounced run answers ingest, whose hours are marked: it lists only those (and pending
   * ones), so a burst of requests costs a few LISTs a run, not the lookback's 50; the scheduled
   * hourly run and manual runs sweep the lookback.
   */
  listLookback: boolean;
  /**
   * Starts partition runs (`fan-out.ts`): with `rollup.fanOut` configured, a run with at least
   * `minObjects` objects to read absorbs them through these instead of itself. Absent (runs that
   * bring the rollup up to date inline, tests): the run absorbs everything itself.
   */
  partitions?: PartitionRunner;
}

export interface RollupReport extends AbsorbReport {
  hoursScanned: number;
  /** Hours ingest marked as written since they were last listed (scanned whatever their age). */
  writtenHours: number;
  /** Of those, the marks this run cleared (not those marked again meanwhile, nor hours left unfinished). */
  writtenHoursCleared: number;
  range?: { from: string; to: string; hours: number };
  hoursRecomputed: number;
  metricDaysRecomputed: number;
  statsItemsWritten: number;
  statsItemsDeleted: number;
  daysTouched: string[];
  /** The first few over-cap metric-days; `metricDaysOverCap` counts them all. */
  cardinalityWarnings: Array<{ metric: string; day: string; distinctGroups: number; kept: number }>;
  metricDaysOverCap: number;
  /** Where the run's time went (`phase-timings.ts`). */
  phaseMs: Record<RollupPhase, number>;
  /** When the run fanned out: its partitions, each with its runs (child runs of this one). */
  fanOut?: FannedOutAbsorb['summary'];
}

/** Cardinality warnings listed in the summary; the count says how many there were in all. */
const MAX_LISTED_WARNINGS = 20;
const RECOMPUTE_CONCURRENCY = 8;
/** Objects stop being started once less than this share of the run's time is left: the rest is recomputation. */
const RECOMPUTE_SHARE = 0.25;
/** Longer than any run that absorbs can live (Lambda stops every function by 15 minutes). */
const ABANDONED_MARK_MS = 20 * 60_000;

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
    listLookback: input.listLookback,
    timezone: config.timezone,
    params: input.params,
    pending: (await store.pendingHours()).keys(),
    written: written.keys(),
  });

  const timings = new PhaseTimings();
  const scan = await timings.measure('list', () => scanHours(store, input.artifacts, plan.hours, signal));
  const reserveMs = (input.deadline.getTime() - startedMs) * RECOMPUTE_SHARE;
  const fanOut = config.rollup.fanOut;
  const fanned =
    input.partitions && fanOut && scan.toRead.length >= fanOut.minObjects
      ? await timings.measure('absorb', () =>
          absorbInPartitions({
            runner: input.partitions!,
            parentId: input.jobId,
            toRead: scan.toRead,
            written,
            workers: fanOut.workers,
            now: clock.now(),
            waitUntil: new Date(input.deadline.getTime() - reserveMs),
            signal,
          }),
        )
      : undefined;
  const absorbed = fanned?.totals ?? await timings.measure('absorb', () =>
    absorbObjects({
      store,
      artifacts: input.artifacts,
      objects: scan.toRead,
      options: aggregateOptions(config),
      maxObjectBytes: config.rollup.maxObjectBytes,
      jobId: input.jobId,
      now: () => clock.now(),
      keepGoing: () => input.deadline.getTime() - clock.now().getTime() > reserveMs,
      signal,
      log: input.log,
      timings,
    }),
  );

  // Every object of these hours that was listed is absorbed (or refused): their marks may go,
  // unless ingest marked one again meanwhile (the token changed), whose object the next run lists.
  signal.throwIfAborted();
  // Partition runs clear their own hours' marks once they have listed and absorbed them.
  const doneHours = new Map([...written].filter(([hour]) => !absorbed.unfinishedHours.has(hour) && !fanned?.partitionedHours.has(hour)));
  const writtenCleared = (await timings.measure('marks', () => store.clearWritten(doneHours))).length;

  // Read after absorbing, so the marks cover this run's own absorbs; marks made after this read
  // (by a run that lost its lease but is still writing) are not cleared and get their own recompute.
  const pending = await store.pendingHours();
  const hours = [...pending.keys()].sort();
  const { summaries, touched, counted } = await timings.measure('recompute', async () => {
    const previous = await store.hourSummaries(hours);
    const recomputed = await mapConcurrent(hours, RECOMPUTE_CONCURRENCY, async (hour) => {
      signal.throwIfAborted();
      return recomputeHour(store, hour, previous.get(hour), clock.now());
    });
    const metricDays = new Map<string, MetricDay>();
    for (const result of recomputed) for (const metricDay of result.touched) metricDays.set(metricDayKey(metricDay), metricDay);
    return { summaries: recomputed.map((result) => result.summary), touched: [...metricDays.values()].sort(compareMetricDays), counted: new Set(recomputed.flatMap((result) => [...result.counted])) };
  });

  const metricDays = touched;
  const days: DayRecomputation[] = await timings.measure('stats', () =>
    mapConcurrent(metricDays, RECOMPUTE_CONCURRENCY, async (metricDay) => {
      signal.throwIfAborted();
      return recomputeDay(store, metricDay, { timezone: config.timezone, maxGroups: config.rollup.maxCardinalityPerMetricDay, now: clock.now() });
    }),
  );

  signal.throwIfAborted();
  await timings.measure('marks', async () => {
    await store.putHourSummaries(summaries);
    await store.clearPending(clearableMarks(pending, counted, clock.now()));
  });

  const warnings = days.flatMap((day) => (day.overflow ? [day.overflow] : []));
  for (const warning of warnings) input.log.warn('metric-day over the cardinality cap; the smallest groups went to __other__', warning);
  return {
    hoursScanned: plan.hours.length,
    writtenHours: written.size,
    writtenHoursCleared: writtenCleared,
    ...(plan.range ? { range: plan.range } : {}),
    ...absorbReport(scan, absorbed),
    hoursRecomputed: summaries.length,
    metricDaysRecomputed: metricDays.length,
    statsItemsWritten: days.reduce((sum, day) => sum + day.written, 0),
    statsItemsDeleted: days.reduce((sum, day) => sum + day.deleted, 0),
    daysTouched: [...new Set(metricDays.map((metricDay) => metricDay.day))].sort(),
    cardinalityWarnings: warnings.slice(0, MAX_LISTED_WARNINGS),
    metricDaysOverCap: warnings.length,
    phaseMs: timings.report(),
    ...(fanned ? { fanOut: fanned.summary } : {}),
  };
}

/**
 * The pending marks a recomputation may clear: those of the versions it counted. A mark whose
 * version was not counted was written by an absorb whose contribution is not stored (yet): a run
 * still writing after it lost its lease, or one that stopped between the two writes, whose object
 * the next run reads again. Once older than any run can live, its writer is gone for good (the
 * object was deleted or replaced before anyone read it again): it goes too.
 */
function clearableMarks(pending: ReadonlyMap<HourKey, PendingMark[]>, counted: ReadonlySet<string>, now: Date): PendingMark[] {
  const abandonedBefore = now.getTime() - ABANDONED_MARK_MS;
  return [...pending.values()].flat().filter((mark) => counted.has(versionId(mark.key, mark.etag)) || Date.parse(mark.markedAt) < abandonedBefore);
}

/** Warnings: over-cap metric-days, objects that could not be read or were refused, work left for the next run. */
export function reportNeedsWarning(report: RollupReport): boolean {
  return report.cardinalityWarnings.length > 0 || report.objectsFailed > 0 || report.objectsRefused > 0 || report.objectsLeft > 0 || (report.fanOut?.partitions.some((partition) => !partition.finished) ?? false);
}
