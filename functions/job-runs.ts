import { withRun, type JobTypeDefinition } from './jobs/job-type-definition';
import { rollupJob } from './jobs/rollup/rollup-job';
import { createRollupJob, rollupRun } from './jobs/rollup/rollup-run';
import { snapshotJob } from './jobs/snapshot/snapshot-job';
import { snapshotRun } from './jobs/snapshot/snapshot-run';
import { sweeperJob } from './jobs/sweeper/sweeper-job';
import { sweeperRun } from './jobs/sweeper/sweeper-run';
import { scriptRunJob } from './jobs/script-run/script-run-job';
import { scriptRunRun } from './jobs/script-run/script-run-run';
import { exportJob } from './jobs/export/export-job';
import { exportRun } from './jobs/export/export-run';
import { samplingProofJob } from './jobs/sampling-proof/sampling-proof-job';
import { samplingProofRun } from './jobs/sampling-proof/sampling-proof-run';
import { UnknownJobTypeError } from './core/jobs/errors';
import type { TestEndpoints } from './api/http';
import type { Runtime } from './runtime/runtime';

/**
 * Every job type of the catalog (functions/catalog.ts) with its run, in catalog order: for the
 * local cloud and the tests, which run every type in one process. A Lambda function never imports
 * this: its entry (`functions/jobs/<type>/handler.ts`) joins its own declaration with its own run,
 * so its bundle carries no other type's work. A test checks this list against the catalog.
 */
export const jobRuns: readonly JobTypeDefinition[] = [
  withRun(rollupJob, rollupRun),
  withRun(snapshotJob, snapshotRun),
  withRun(sweeperJob, sweeperRun),
  withRun(scriptRunJob, scriptRunRun),
  withRun(exportJob, exportRun),
  withRun(samplingProofJob, samplingProofRun),
];

/** A shipped job type with its run. */
export function jobWithRun(type: string): JobTypeDefinition {
  const entry = jobRuns.find((candidate) => candidate.type === type);
  if (!entry) throw new UnknownJobTypeError(type, jobRuns.map((e) => e.type));
  return entry;
}

/** The API's test-only routes over a runtime (ENABLE_TEST_ENDPOINTS=true): the local cloud's and the tests' API, never a Lambda's. */
export function testEndpointsOf(runtime: Runtime): TestEndpoints {
  return { rollup: createRollupJob(runtime.services.rollup) };
}
