import { DynamoDbRollupStore } from '../../adapters/dynamodb/rollup-store';
import { runtime } from '../../runtime/runtime';
import type { JobDependencies } from '../../core/jobs/definition';
import type { RollupStore } from '../../core/rollup/ports';

/**
 * The Analytics table of the process's runtime (Lambda or the local cloud), built on first use
 * so importing the job has no side effects. Oversized groups spill through the run's own
 * artifact store.
 */
export function runtimeRollupStore(deps: Pick<JobDependencies, 'artifacts'>): RollupStore {
  const { documentClient, env } = runtime();
  return new DynamoDbRollupStore(documentClient, env.analyticsTable, deps.artifacts);
}
