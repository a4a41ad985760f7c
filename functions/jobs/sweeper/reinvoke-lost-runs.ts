import type { JobDependencies } from '../../core/jobs/definition';
import { errorFields } from '../../core/errors';
import { IllegalTransitionError } from '../../core/jobs/errors';
import { rearmRun } from '../../core/jobs/lifecycle/rearm-run';
import type { Logger } from '../../core/jobs/logger';

const PAGE = 100;
/**
 * A queued run this long past its due time (its next try, or its creation) has lost its
 * invocation: a delayed try dropped with a stopped local cloud, a failed invoke. Longer than any
 * delay a run asks for, so a try on its way is not doubled.
 */
export const LOST_AFTER_MS = 3 * 60_000;

/**
 * Invokes again every run still `queued` well past its due time, so a run someone asked for (a
 * rollup range waiting behind a held lease, say) is never left behind. Re-arms it first (one
 * conditional write, its next try set), so each sweep invokes it at most once, and a run that
 * started meanwhile is left alone. Reads the status index (queued runs are few), never scans.
 */
export async function reinvokeLostRuns(deps: JobDependencies, log: Logger, signal: AbortSignal): Promise<string[]> {
  const now = deps.clock.now();
  const reinvoked: string[] = [];
  let cursor: string | undefined;
  do {
    signal.throwIfAborted();
    const page = await deps.ledger.list({ status: 'queued', limit: PAGE, ...(cursor ? { cursor } : {}) });
    for (const job of page.items) {
      const dueAt = Date.parse(job.nextAttemptAt ?? job.createdAt);
      if (job.status !== 'queued' || now.getTime() - dueAt < LOST_AFTER_MS) continue;
      try {
        await rearmRun(deps.ledger, job, now);
      } catch (error) {
        if (error instanceof IllegalTransitionError) continue;
        throw error;
      }
      try {
        await deps.invoker.invokeAsync({ type: job.type, jobId: job.id, trigger: job.trigger, triggeredBy: job.triggeredBy });
        reinvoked.push(job.id);
        log.warn('invoked again a run still queued long after it was due', { lostJobId: job.id, lostType: job.type, dueAt: new Date(dueAt).toISOString(), waitingFor: job.waitingFor });
      } catch (error) {
        log.warn('could not invoke a run still queued; the next sweep tries again', { lostJobId: job.id, ...errorFields(error) });
      }
    }
    cursor = page.nextCursor;
  } while (cursor);
  return reinvoked;
}
