import type { JobLedger } from '../ports';
import type { JobRecord } from '../record';

/**
 * queued → queued for a run that found its lease held: it waits behind `holder` and tries again
 * at `nextAttemptAt`. Conditional on still `queued`, so a run that another delivery started
 * meanwhile is left alone.
 */
export function waitForLease(ledger: JobLedger, job: JobRecord, at: Date, holder: string, nextAttemptAt: Date): Promise<JobRecord> {
  return ledger.transition(job, ['queued'], 'queued', {
    waitingFor: holder,
    waitingSince: job.waitingSince ?? at.toISOString(),
    waits: (job.waits ?? 0) + 1,
    nextAttemptAt: nextAttemptAt.toISOString(),
  });
}
