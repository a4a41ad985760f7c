import type { JobDependencies } from '../../core/jobs/definition';
import type { Logger } from '../../core/jobs/logger';
import type { Clock } from '../../core/jobs/ports';
import type { JobRecord } from '../../core/jobs/record';
import { createRun } from '../../core/jobs/lifecycle/create-run';
import { invokeOrFailRun } from '../../core/jobs/lifecycle/fail-unstarted-run';
import { abandonRun } from '../../core/jobs/lifecycle/abandon-run';
import { IllegalTransitionError } from '../../core/jobs/errors';
import { isSuccessful, isTerminal } from '../../core/jobs/states';
import { errorFields } from '../../core/errors';
import type { HourKey } from '../../core/rollup/ports';
import type { AbsorbTotals, ObjectToRead } from './absorb';
import type { RollupPartition } from './params';
import type { PartitionReport } from './run-partition';
import { splitHours } from './partitions';
import { partitionLease } from './rollup-job';

/** Runs of one partition at most: the first and two retries after a worker is lost or fails. */
const MAX_ATTEMPTS = 3;
/** How often the coordinator reads its partition runs' records (one batch read) while it waits. */
const POLL_MS = 250;
/** Workers stop starting objects this long (at most) before their coordinator stops waiting for them. */
const WORKER_FINISH_MS = 15_000;

/** One partition as the coordinator's summary shows it. */
export interface PartitionOutcome {
  index: number;
  hours: number;
  /** Objects its hours had to read when the coordinator listed them. */
  objects: number;
  /** Its runs, in attempt order (the child runs of this rollup run). */
  runs: Array<{ id: string; status: string }>;
  /** A run of it ended succeeded or warning and left no hour unfinished. */
  finished: boolean;
}

/** Starts partition runs and waits for them: the rollup job builds it over its dependencies. */
export interface PartitionRunner {
  /** Runs each partition (retrying lost ones) until all ended or `waitUntil`; `stopBy` is handed to the workers. */
  run(partitions: ReadonlyArray<RollupPartition>, options: { waitUntil: Date; signal: AbortSignal }): Promise<Array<{ outcome: Omit<PartitionOutcome, 'objects'>; report?: PartitionReport }>>;
}

interface Tracked {
  partition: RollupPartition;
  runs: JobRecord[];
  done: boolean;
  report?: PartitionReport;
}

/**
 * The coordinator's side: each partition becomes a child run (`trigger: fan-out`, `triggeredBy:
 * rollup <parent>`) invoked asynchronously through the invoker port, so each worker is its own
 * function invocation with its own record. It then reads their records every POLL_MS: a run that
 * ended badly, or that is `running` while its partition lease is no longer its own (the worker
 * died), is closed as failed and its partition handed to a new run, up to MAX_ATTEMPTS. Waiting
 * stops at `waitUntil`; what is not finished by then stays marked for the next rollup.
 */
export function partitionRunner(deps: Pick<JobDependencies, 'ledger' | 'leases' | 'invoker' | 'clock' | 'config'>, parentId: string, log: Logger): PartitionRunner {
  const triggeredBy = `rollup ${parentId}`;

  const launch = async (tracked: Tracked, attempt: number): Promise<void> => {
    const partition = { ...tracked.partition, attempt };
    tracked.partition = partition;
    const created = await createRun(deps, { type: 'rollup', trigger: 'fan-out', triggeredBy, params: { partition } });
    tracked.runs.push(created.job);
    try {
      await invokeOrFailRun(deps, created.job, { trigger: 'fan-out', triggeredBy });
    } catch (error) {
      // The run is failed: the next look at it retries the partition.
      log.warn('could not start a partition run', { partition: partition.index, ...errorFields(error) });
    }
  };

  const retryOrGiveUp = async (tracked: Tracked): Promise<void> => {
    if (tracked.partition.attempt < MAX_ATTEMPTS && deps.clock.now().getTime() < Date.parse(tracked.partition.stopBy)) {
      await launch(tracked, tracked.partition.attempt + 1);
    } else {
      tracked.done = true;
    }
  };

  const follow = async (tracked: Tracked, record: JobRecord | undefined): Promise<void> => {
    if (!record) return;
    tracked.runs[tracked.runs.length - 1] = record;
    if (isTerminal(record.status)) {
      if (isSuccessful(record.status)) {
        tracked.done = true;
        tracked.report = record.summary as PartitionReport | undefined;
        return;
      }
      log.warn('a partition run ended without finishing its partition; retrying it', { partition: tracked.partition.index, run: record.id, status: record.status });
      await retryOrGiveUp(tracked);
      return;
    }
    if (record.status !== 'running') return;
    const { lease } = partitionLease(tracked.partition);
    // Running means it took the lease first; once the lease is not its own, its process is gone.
    const holder = await deps.leases.holder(lease);
    if (holder?.owner === record.id) return;
    try {
      tracked.runs[tracked.runs.length - 1] = await abandonRun(deps.ledger, record, deps.clock.now(), lease);
    } catch (error) {
      // It ended between the two reads: the next look finds its result.
      if (error instanceof IllegalTransitionError) return;
      throw error;
    }
    log.warn('a partition run lost its lease while running; retrying its partition', { partition: tracked.partition.index, run: record.id });
    await retryOrGiveUp(tracked);
  };

  return {
    async run(partitions, { waitUntil, signal }) {
      const tracked: Tracked[] = partitions.map((partition) => ({ partition, runs: [], done: false }));
      for (const entry of tracked) await launch(entry, entry.partition.attempt);
      while (tracked.some((entry) => !entry.done) && deps.clock.now().getTime() < waitUntil.getTime()) {
        await pause(deps.clock, POLL_MS, signal);
        const waiting = tracked.filter((entry) => !entry.done);
        const records = await deps.ledger.getMany(waiting.map((entry) => entry.runs.at(-1)!.id));
        for (const entry of waiting) await follow(entry, records.get(entry.runs.at(-1)!.id));
      }
      return tracked.map((entry) => ({
        outcome: {
          index: entry.partition.index,
          hours: entry.partition.hours.length,
          runs: entry.runs.map((run) => ({ id: run.id, status: run.status })),
          finished: entry.report !== undefined && entry.report.unfinishedHours.length === 0,
        },
        ...(entry.report ? { report: entry.report } : {}),
      }));
    },
  };
}

/** Waits `ms` on the clock; an abort (deadline, lost lease) ends the wait with its reason. */
function pause(clock: Clock, ms: number, signal: AbortSignal): Promise<void> {
  signal.throwIfAborted();
  return new Promise((resolve, reject) => {
    const onAbort = (): void => {
      cancel();
      reject(signal.reason);
    };
    const cancel = clock.after(ms, () => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    });
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

export interface FannedOutAbsorb {
  totals: AbsorbTotals;
  /** Hours handed to partitions: their written marks are the workers' to clear. */
  partitionedHours: Set<HourKey>;
  summary: { workers: number; partitions: PartitionOutcome[] };
}

/**
 * Absorbs the listed objects across partition runs instead of in this run: hours split by their
 * objects (`splitHours`), each partition with the written marks' tokens read before listing.
 * The totals are the workers' reports summed; a partition that never finished counts its hours
 * unfinished and its objects left (some may be absorbed: the next run skips those).
 */
export async function absorbInPartitions(input: {
  runner: PartitionRunner;
  parentId: string;
  toRead: readonly ObjectToRead[];
  written: ReadonlyMap<HourKey, string>;
  workers: number;
  now: Date;
  waitUntil: Date;
  signal: AbortSignal;
}): Promise<FannedOutAbsorb> {
  const perHour = new Map<HourKey, number>();
  for (const { hour } of input.toRead) perHour.set(hour, (perHour.get(hour) ?? 0) + 1);
  const split = splitHours([...perHour].map(([hour, objects]) => ({ hour, objects })), input.workers);
  const stopBy = new Date(input.waitUntil.getTime() - Math.min(WORKER_FINISH_MS, (input.waitUntil.getTime() - input.now.getTime()) / 10));
  const partitions: RollupPartition[] = split.map((hours, index) => ({
    parent: input.parentId,
    index,
    of: split.length,
    attempt: 1,
    hours,
    written: Object.fromEntries(hours.flatMap((hour) => (input.written.has(hour) ? [[hour, input.written.get(hour)!]] : []))),
    stopBy: stopBy.toISOString(),
  }));
  const results = await input.runner.run(partitions, { waitUntil: input.waitUntil, signal: input.signal });

  const totals: AbsorbTotals = { objectsRead: 0, objectsRefused: 0, refused: [], objectsFailed: 0, objectsLeft: 0, unfinishedHours: new Set(), bytesRead: 0, lines: 0, events: 0, malformedLines: 0, unknownMetricLines: 0 };
  const outcomes: PartitionOutcome[] = [];
  for (const [index, { outcome, report }] of results.entries()) {
    const hours = split[index] ?? [];
    const objects = hours.reduce((sum, hour) => sum + (perHour.get(hour) ?? 0), 0);
    outcomes.push({ ...outcome, objects });
    if (!report) {
      totals.objectsLeft += objects;
      for (const hour of hours) totals.unfinishedHours.add(hour);
      continue;
    }
    totals.objectsRead += report.objectsRead;
    totals.objectsRefused += report.objectsRefused;
    totals.refused.push(...report.refusedObjects);
    totals.objectsFailed += report.objectsFailed;
    totals.objectsLeft += report.objectsLeft;
    totals.bytesRead += report.bytesRead;
    totals.lines += report.lines;
    totals.events += report.events;
    totals.malformedLines += report.malformedLines;
    totals.unknownMetricLines += report.unknownMetricLines;
    for (const hour of report.unfinishedHours) totals.unfinishedHours.add(hour);
  }
  return { totals, partitionedHours: new Set(split.flat()), summary: { workers: partitions.length, partitions: outcomes } };
}
