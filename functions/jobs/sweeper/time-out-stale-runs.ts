import type { JobDependencies } from '../../core/jobs/definition';
import { IllegalTransitionError } from '../../core/jobs/errors';
import { timeOutRun } from '../../core/jobs/lifecycle/time-out-run';
import type { Logger } from '../../core/jobs/logger';
import { reportRunEnded } from '../../core/jobs/run-metrics';

const PAGE = 100;

/**
 * Marks `running` runs past their deadline `timed_out`: what a Lambda hard timeout or a crashed
 * process leaves behind. Reads the status index (running runs are few), never scans.
 */
export async function timeOutStaleRuns(deps: JobDependencies, log: Logger, signal: AbortSignal): Promise<string[]> {
  const now = deps.clock.now();
  const timedOut: string[] = [];
  let cursor: string | undefined;
  do {
    signal.throwIfAborted();
    const page = await deps.ledger.list({ status: 'running', limit: PAGE, ...(cursor ? { cursor } : {}) });
    for (const job of page.items) {
      if (job.status !== 'running' || !job.deadlineAt || Date.parse(job.deadlineAt) > now.getTime()) continue;
      try {
        const ended = await timeOutRun(deps.ledger, job, now);
        // A hard timeout never reaches executeRun's own terminal write: this is where it ends.
        reportRunEnded(deps.runMetrics, ended, log);
        timedOut.push(job.id);
        log.warn('timed out a run past its deadline', { staleJobId: job.id, staleType: job.type, deadlineAt: job.deadlineAt });
      } catch (error) {
        // It finished between our read and our write: its own result stands.
        if (!(error instanceof IllegalTransitionError)) throw error;
      }
    }
    cursor = page.nextCursor;
  } while (cursor);
  return timedOut;
}
