import type { JobDefinition } from '../../core/jobs/definition';
import type { RollupStore } from '../../core/rollup/ports';
import type { FunctionAccess } from '../../function-access';
import { runnableJob, type JobServices, type JobTypeDefinition } from '../job-type-definition';
import { rollupParams, type RollupParams } from './params';
import { reportNeedsWarning, runRollup } from './run-rollup';
import { runPartition } from './run-partition';
import { partitionLease, partitionRunner } from './fan-out';
import { InvalidJobParamsError } from '../../core/jobs/errors';
import { describeError, errorFields } from '../../core/errors';
import { watchClosedHours, type HourlyWatchInput, type HourlyWatchReport } from '../../core/proofs/watch-hours';

/**
 * Every rollup, and every run that brings the rollup up to date, holds this lease, renewed every
 * third of its time to live. Short, so a run that died holding it (kill -9, a lost container)
 * stands in the way of the next for at most 20 s.
 */
export const ROLLUP_LEASE = { lease: 'rollup', ttlMs: 20_000 } as const;

/**
 * Lists and reads `events/`, writes hour partials and daily stats to Analytics, and spills groups
 * too big for an item to `rollup/` (rollup-store.ts), reading them back later. A debounced run
 * that finds the lease held asks again: through the delay queue, or with a direct invoke of
 * itself when `rollup.debounceMs` is 0.
 */
export const rollupAccess: FunctionAccess = {
  jobs: 'RW',
  analytics: 'RW',
  artifacts: { read: ['events/', 'rollup/'], write: ['rollup/'] },
  invokes: ['rollup'],
  sendsDelayed: true,
};

/** The rollup job's own access: the rollup's, plus the hourly watch's alerts (its state is in Analytics). */
const rollupJobAccess: FunctionAccess = { ...rollupAccess, publishesAlerts: true };

export const rollupJob = {
  type: 'rollup',
  description: 'Absorbs new event objects into hour partials and daily stats per (metric, local day, kept dims); incremental, idempotent, single-flight.',
  params: rollupParams,
  // A share of it is kept for recomputation (run-rollup.ts).
  timeoutMs: 290_000,
  singleFlight: ROLLUP_LEASE,
  // A partition run holds its partition's lease: its coordinator holds the rollup's.
  leaseFor: (params) => (params.partition ? partitionLease(params.partition) : undefined),
  checkParams: (params) => {
    if (params['partition'] !== undefined) throw new InvalidJobParamsError('params.partition: partition runs are started by a rollup that fans out, not by hand');
  },
  periodTypes: [],
  rowsSummaryField: 'events',
  function: {
    entry: 'functions/jobs/rollup/handler.ts',
    memoryMb: 1024,
    maxConcurrency: 1,
    // The coordinating run and its partition runs at once.
    configuredConcurrency: (config) => 1 + (config.rollup.fanOut?.workers ?? 0),
  },
  access: rollupJobAccess,
  async run({ job, params, deps, signal, deadline, log }, { rollup, watches, alerter }: Pick<JobServices, 'rollup' | 'watches' | 'alerter'>) {
    if (params.partition) {
      const report = await runPartition({ store: rollup, artifacts: deps.artifacts, config: deps.config, clock: deps.clock, log, signal, deadline, jobId: job.id, partition: params.partition });
      const incomplete = report.objectsFailed > 0 || report.objectsRefused > 0 || report.objectsLeft > 0;
      return { status: incomplete ? 'warning' : 'succeeded', summary: { ...report } };
    }
    const report = await runRollup({
      store: rollup,
      artifacts: deps.artifacts,
      config: deps.config,
      clock: deps.clock,
      log,
      signal,
      deadline,
      jobId: job.id,
      params,
      listLookback: job.trigger !== 'debounce',
      ...(deps.config.rollup.fanOut ? { partitions: partitionRunner(deps, job.id, log) } : {}),
    });
    const watch = await watchAfterRollup({ config: deps.config, store: rollup, watches, alerter, now: deps.clock.now(), jobId: job.id, log });
    return { status: reportNeedsWarning(report) || 'error' in watch ? 'warning' : 'succeeded', summary: { ...report, watch } };
  },
} satisfies JobTypeDefinition<RollupParams, Pick<JobServices, 'rollup' | 'watches' | 'alerter'>>;

/** The hourly watch over the hours this rollup closed; a watch that fails leaves the rollup's work standing (a warning). */
async function watchAfterRollup(input: HourlyWatchInput): Promise<HourlyWatchReport | { error: string }> {
  try {
    return await watchClosedHours(input);
  } catch (error) {
    input.log.error('the hourly watch failed', errorFields(error));
    return { error: describeError(error).message };
  }
}

/** The rollup over a given store (tests and benchmarks pass one on their own tables), watching nothing. */
export function createRollupJob(store: RollupStore, watch: Pick<JobServices, 'watches' | 'alerter'> = UNWATCHED): JobDefinition<RollupParams> {
  return runnableJob(rollupJob, { rollup: store, ...watch });
}

/** A watch that has judged every hour already: it reads nothing and alerts no one. */
const UNWATCHED: Pick<JobServices, 'watches' | 'alerter'> = {
  watches: { get: (checkId) => Promise.resolve({ checkId, metric: '', judgedThrough: '9999-12-31T23', version: 1 }), put: () => Promise.resolve(false) },
  alerter: { publish: () => Promise.resolve() },
};
