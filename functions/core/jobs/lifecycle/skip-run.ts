import type { JobLedger } from '../ports';
import type { JobRecord } from '../record';

/** queued → skipped, pointing at the run that made this one unnecessary (a lease holder). */
export function skipRun(ledger: JobLedger, job: JobRecord, at: Date, skippedFor: string, reason: string): Promise<JobRecord> {
  return ledger.transition(job, ['queued'], 'skipped', {
    finishedAt: at.toISOString(),
    durationMs: 0,
    skippedFor,
    summary: { reason },
  });
}
