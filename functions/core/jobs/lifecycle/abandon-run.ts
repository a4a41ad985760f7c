import type { JobLedger } from '../ports';
import type { JobRecord } from '../record';

/**
 * running → failed for a run whose lease expired without it finishing (its process stopped: a
 * crash, a lost container), judged by the run that started it and retries its work. Conditional
 * on still `running`, so a run that finished meanwhile keeps its real result; one still alive
 * finds its record closed and its verdict stands.
 */
export function abandonRun(ledger: JobLedger, job: JobRecord, at: Date, lease: string): Promise<JobRecord> {
  const started = job.startedAt ? Date.parse(job.startedAt) : at.getTime();
  return ledger.transition(job, ['running'], 'failed', {
    finishedAt: at.toISOString(),
    durationMs: Math.max(0, at.getTime() - started),
    error: { code: 'lease_expired', message: `its lease ${lease} expired at ${at.toISOString()} while it was running: the process stopped without finishing` },
  });
}
