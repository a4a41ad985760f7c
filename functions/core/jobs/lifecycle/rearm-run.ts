import type { JobLedger } from '../ports';
import type { JobRecord } from '../record';

/**
 * queued → queued for a run whose invocation was lost (it is still queued long after it was due):
 * its next attempt is due at `nextAttemptAt`, and the sweeper invokes it again. Conditional on
 * still `queued`, so a run that started meanwhile is left alone.
 */
export function rearmRun(ledger: JobLedger, job: JobRecord, nextAttemptAt: Date): Promise<JobRecord> {
  return ledger.transition(job, ['queued'], 'queued', { nextAttemptAt: nextAttemptAt.toISOString() });
}
