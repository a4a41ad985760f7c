import type { JobRun, JobServices } from '../job-type-definition';
import type { SnapshotParams } from './params';
import { takeSnapshot } from './take-snapshot';

/** One snapshot run over the Analytics table's stores: the rollup's stats are what it reads. */
export const snapshotRun: JobRun<SnapshotParams, Pick<JobServices, 'rollup' | 'snapshots' | 'proofs'>> = (context, { rollup, snapshots, proofs }) =>
  takeSnapshot(context, { stats: rollup, rollup, snapshots, proofs });
