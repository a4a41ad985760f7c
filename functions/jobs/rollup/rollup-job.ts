import type { JobDefinition, JobDependencies } from '../../core/jobs/definition';
import type { RollupStore } from '../../core/rollup/ports';
import { rollupParams, type RollupParams } from './params';
import { reportNeedsWarning, runRollup } from './run-rollup';
import { runtimeRollupStore } from './runtime-store';

/** The catalog's limit for the function; the run keeps a share of it for recomputation. */
export const ROLLUP_TIMEOUT_MS = 290_000;
/**
 * Every rollup, and every run that brings the rollup up to date, holds this lease, renewed every
 * third of its time to live. Short, so a run that died holding it (kill -9, a lost container)
 * stands in the way of the next for at most 20 s.
 */
export const ROLLUP_LEASE = { lease: 'rollup', ttlMs: 20_000 } as const;

/**
 * The rollup job over a given store. Tests and benchmarks pass a store on their own tables;
 * `rollupJob` (what the Lambda handler runs) uses the runtime's Analytics table.
 */
export function createRollupJob(storeFor: (deps: JobDependencies) => RollupStore): JobDefinition<RollupParams> {
  return {
    type: 'rollup',
    params: rollupParams,
    timeoutMs: ROLLUP_TIMEOUT_MS,
    singleFlight: ROLLUP_LEASE,
    async run({ job, params, deps, signal, deadline, log }) {
      const report = await runRollup({
        store: storeFor(deps),
        artifacts: deps.artifacts,
        config: deps.config,
        clock: deps.clock,
        log,
        signal,
        deadline,
        jobId: job.id,
        params,
      });
      return { status: reportNeedsWarning(report) ? 'warning' : 'succeeded', summary: { ...report } };
    },
  };
}

export const rollupJob = createRollupJob(runtimeRollupStore);
