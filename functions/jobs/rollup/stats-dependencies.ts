import { DynamoDbRollupStore } from '../../adapters/dynamodb/rollup-store';
import { runtime } from '../../runtime/runtime';
import type { StatsDependencies } from './query-stats';

/** `queryStats(statsDependencies(), query)` from the API: config and stats from the runtime. */
export function statsDependencies(): StatsDependencies {
  const { deps, documentClient, env } = runtime();
  return { config: deps.config, stats: new DynamoDbRollupStore(documentClient, env.analyticsTable, deps.artifacts) };
}
