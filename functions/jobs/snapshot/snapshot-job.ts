import { DynamoDbRollupStore } from '../../adapters/dynamodb/rollup-store';
import { DynamoDbSnapshotStore } from '../../adapters/dynamodb/snapshot-store';
import { runtime } from '../../runtime/runtime';
import type { JobDefinition, JobDependencies } from '../../core/jobs/definition';
import { snapshotParams, type SnapshotParams } from './params';
import { takeSnapshot, type SnapshotStores } from './take-snapshot';

/** The catalog's limit: a monthly snapshot first rolls up a month of late objects. */
export const SNAPSHOT_TIMEOUT_MS = 290_000;

/** The snapshot job over given stores; tests pass their own tables. */
export function createSnapshotJob(storesFor: (deps: JobDependencies) => SnapshotStores): JobDefinition<SnapshotParams> {
  return {
    type: 'snapshot',
    params: snapshotParams,
    timeoutMs: SNAPSHOT_TIMEOUT_MS,
    run: (context) => takeSnapshot(context, storesFor(context.deps)),
  };
}

function runtimeStores(deps: JobDependencies): SnapshotStores {
  const { documentClient, env } = runtime();
  const rollup = new DynamoDbRollupStore(documentClient, env.analyticsTable, deps.artifacts);
  return { stats: rollup, rollup, snapshots: new DynamoDbSnapshotStore(documentClient, env.analyticsTable) };
}

export const snapshotJob = createSnapshotJob(runtimeStores);
