import type { JobLedger } from '../ports';
import type { JobRecord } from '../record';

/** queued → running, stamping the start and the deadline the sweeper will hold it to. */
export function startRun(ledger: JobLedger, job: JobRecord, startedAt: Date, deadline: Date): Promise<JobRecord> {
  return ledger.transition(job, ['queued'], 'running', {
    startedAt: startedAt.toISOString(),
    deadlineAt: deadline.toISOString(),
  });
}
