import type { JobRecord } from '../../core/jobs/record';

/** The exit code of a proof that found a critical anomaly: the run ends `failed` so it stands out. */
export const CRITICAL_PROOF_EXIT_CODE = 2;

/**
 * A critical proof still did its work: it ran and judged the data. Health is about the job
 * running; the proof's own alert reports the data.
 */
export function criticalProofRanToTheEnd(job: JobRecord): boolean {
  return job.status === 'failed' && job.exitCode === CRITICAL_PROOF_EXIT_CODE;
}
