import type { JobLedger } from '../ports';
import type { JobRecord } from '../record';

/**
 * running → timed_out for a run whose deadline passed without it finishing (a Lambda hard
 * timeout or a crash). Conditional on still `running`, so a run that finished meanwhile keeps
 * its real result.
 */
export function timeOutRun(ledger: JobLedger, job: JobRecord, at: Date): Promise<JobRecord> {
  const started = job.startedAt ? Date.parse(job.startedAt) : at.getTime();
  return ledger.transition(job, ['running'], 'timed_out', {
    finishedAt: at.toISOString(),
    durationMs: Math.max(0, at.getTime() - started),
    error: {
      code: 'deadline_exceeded',
      message: `still running at ${at.toISOString()}, past its deadline ${job.deadlineAt ?? '(none recorded)'}: the process stopped without finishing`,
    },
  });
}
