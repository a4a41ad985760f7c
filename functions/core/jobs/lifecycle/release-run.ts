import type { JobLedger } from '../ports';
import type { ArtifactRef, JobRecord } from '../record';

/** held → succeeded: a person published the run's quarantined output; who, when and where it went are kept. */
export function releaseRun(ledger: JobLedger, job: JobRecord, at: Date, releasedBy: string, published: ArtifactRef): Promise<JobRecord> {
  return ledger.transition(job, ['held'], 'succeeded', {
    releasedBy,
    releasedAt: at.toISOString(),
    artifacts: [...job.artifacts.filter((artifact) => artifact.key !== published.key), published],
  });
}
