import type { JobDefinition } from '../../core/jobs/definition';
import type { RollupStore } from '../../core/rollup/ports';
import { runnableJob, withRun, type JobRun, type JobServices } from '../job-type-definition';
import type { RollupParams } from './params';
import { reportNeedsWarning, runRollup } from './run-rollup';
import { runPartition } from './run-partition';
import { partitionRunner } from './fan-out';
import { rollupJob } from './rollup-job';
import { describeError, errorFields } from '../../core/errors';
import { watchClosedHours, type HourlyWatchInput, type HourlyWatchReport } from '../../core/proofs/watch-hours';

/**
 * One rollup run: a partition run absorbs its partition's hours; any other run absorbs new event
 * objects (fanning out to partition runs when the config says so), then watches the hours it closed.
 */
export const rollupRun: JobRun<RollupParams, Pick<JobServices, 'rollup' | 'watches' | 'alerter'>> = async ({ job, params, deps, signal, deadline, log }, { rollup, watches, alerter }) => {
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
};

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
  return runnableJob(withRun(rollupJob, rollupRun), { rollup: store, ...watch });
}

/** A watch that has judged every hour already: it reads nothing and alerts no one. */
const UNWATCHED: Pick<JobServices, 'watches' | 'alerter'> = {
  watches: { get: (checkId) => Promise.resolve({ checkId, metric: '', judgedThrough: '9999-12-31T23', version: 1 }), put: () => Promise.resolve(false) },
  alerter: { publish: () => Promise.resolve() },
};
