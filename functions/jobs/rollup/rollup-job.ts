import type { FunctionAccess } from '../../function-access';
import type { JobTypeDeclaration } from '../job-type-definition';
import { rollupParams, rollupRequestParams, type RollupParams, type RollupPartition } from './params';

/**
 * Every rollup, and every run that brings the rollup up to date, holds this lease, renewed every
 * third of its time to live. Short, so a run that died holding it (kill -9, a lost container)
 * stands in the way of the next for at most 20 s.
 */
export const ROLLUP_LEASE = { lease: 'rollup', ttlMs: 20_000 } as const;

/**
 * A partition run's own lease: short, so a worker that died holding it is found (and its
 * partition handed to a retry) within seconds, and never the rollup's, which its coordinator holds.
 */
const PARTITION_LEASE_TTL_MS = 10_000;
export const partitionLease = (partition: Pick<RollupPartition, 'parent' | 'index'>): { lease: string; ttlMs: number } => ({
  lease: `rollup-partition#${partition.parent}#${partition.index}`,
  ttlMs: PARTITION_LEASE_TTL_MS,
});

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

/**
 * Snapshot, proof and export bring the rollup up to date inline before they read stats
 * (bring-up-to-date.ts), so each needs the rollup's data access on top of its own (not its invoke
 * or queue: the inline rollup never debounces).
 */
export function withInlineRollup(own: FunctionAccess): FunctionAccess {
  return {
    ...own,
    jobs: 'RW',
    analytics: 'RW',
    artifacts: {
      read: unique([...(rollupAccess.artifacts?.read ?? []), ...(own.artifacts?.read ?? [])]),
      write: unique([...(rollupAccess.artifacts?.write ?? []), ...(own.artifacts?.write ?? [])]),
    },
  };
}

function unique<T>(values: readonly T[]): T[] {
  return [...new Set(values)];
}

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
  // A caller asks for a range; `partition` is set only by a coordinator on the runs it starts.
  requestParams: rollupRequestParams,
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
} satisfies JobTypeDeclaration<RollupParams>;
