import { DynamoDbProofIndex } from '../../adapters/dynamodb/proof-index';
import { runtime } from '../../runtime/runtime';
import type { ProofIndex } from '../../core/proofs/ports';
import { runtimeRollupStore } from '../rollup/runtime-store';
import { createSamplingProofJob, type SamplingProofWiring } from './sampling-proof-job';

/** The proof index in the runtime's Analytics table (the API reads it too). */
export function runtimeProofIndex(): ProofIndex {
  const { documentClient, env } = runtime();
  return new DynamoDbProofIndex(documentClient, env.analyticsTable, env.config.retention.proofsDays);
}

/** The Lambda's (and the local cloud's) stats, proof index and alerter, built on first use. */
export const runtimeProofWiring: SamplingProofWiring = {
  store: runtimeRollupStore,
  index: runtimeProofIndex,
  alerter: () => runtime().alerter,
};

/** What the Lambda handler runs: the proof over the runtime's tables, bucket and alerter. */
export const samplingProofJob = createSamplingProofJob(runtimeProofWiring);
