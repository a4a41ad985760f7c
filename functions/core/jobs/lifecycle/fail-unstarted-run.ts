import { describeError } from '../../errors';
import type { JobDependencies } from '../definition';
import type { JobInvocation, JobLedger } from '../ports';
import type { JobErrorInfo, JobRecord } from '../record';

/**
 * queued → failed for a run that can never start: its params are invalid, or nothing accepted
 * its invocation. A queued run would hold its period for good (even against backfill and force).
 */
export function failUnstartedRun(ledger: JobLedger, job: JobRecord, at: Date, error: JobErrorInfo): Promise<JobRecord> {
  return ledger.transition(job, ['queued'], 'failed', { finishedAt: at.toISOString(), durationMs: 0, error });
}

/**
 * Asks for the function that starts a queued run. When the invocation is not accepted, nothing
 * will ever start the run: it is failed, so its period can be claimed again, and the error is
 * thrown on for the caller to report.
 */
export async function invokeOrFailRun(
  deps: Pick<JobDependencies, 'invoker' | 'ledger' | 'clock'>,
  job: JobRecord,
  invocation: Omit<JobInvocation, 'type' | 'jobId'>,
): Promise<void> {
  try {
    await deps.invoker.invokeAsync({ type: job.type, jobId: job.id, ...invocation });
  } catch (error) {
    await failUnstartedRun(deps.ledger, job, deps.clock.now(), describeError(error));
    throw error;
  }
}
