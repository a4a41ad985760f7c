import type { JobDefinition } from '../../core/jobs/definition';
import type { RollupStore } from '../../core/rollup/ports';
import type { FunctionAccess } from '../../function-access';
import { runnableJob, type JobServices, type JobTypeDefinition } from '../job-type-definition';
import { rollupParams, type RollupParams } from './params';
import { reportNeedsWarning, runRollup } from './run-rollup';

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

export const rollupJob = {
  type: 'rollup',
  description: 'Absorbs new event objects into hour partials and daily stats per (metric, local day, kept dims); incremental, idempotent, single-flight.',
  params: rollupParams,
  // A share of it is kept for recomputation (run-rollup.ts).
  timeoutMs: 290_000,
  singleFlight: ROLLUP_LEASE,
  periodTypes: [],
  rowsSummaryField: 'events',
  function: { entry: 'functions/jobs/rollup/handler.ts', memoryMb: 1024, maxConcurrency: 1 },
  access: rollupAccess,
  async run({ job, params, deps, signal, deadline, log }, { rollup }: Pick<JobServices, 'rollup'>) {
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
    });
    return { status: reportNeedsWarning(report) ? 'warning' : 'succeeded', summary: { ...report } };
  },
} satisfies JobTypeDefinition<RollupParams, Pick<JobServices, 'rollup'>>;

/** The rollup over a given store (tests and benchmarks pass one on their own tables). */
export function createRollupJob(store: RollupStore): JobDefinition<RollupParams> {
  return runnableJob(rollupJob, { rollup: store });
}
