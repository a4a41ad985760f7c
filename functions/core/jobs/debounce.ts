import type { JobDefinition, JobDependencies } from './definition';
import type { JobType } from './job-types';
import type { JobRecord } from './record';
import { MAX_INVOKE_DELAY_SECONDS, type DebounceStore } from './ports';
import { executeRun, type ExecutionLimits } from './execute-run';

/**
 * A pending mark whose run has not started this long after it was due is taken as lost (a
 * delivery that failed for good, a local cloud stopped mid-wait): the next request takes it over.
 * Generous on purpose: a false alarm costs one extra run, a true one only delays debouncing.
 */
export const DEBOUNCE_STALE_AFTER_MS = 120_000;

/**
 * A debounced invocation that finds another run holding the lease asks again no sooner than this:
 * the holder may run for minutes, and each retry leaves a `skipped` record behind.
 */
export const DEBOUNCE_RETRY_MIN_MS = 10_000;

export type DebounceOutcome = 'scheduled' | 'coalesced';

type RequestDependencies = Pick<JobDependencies, 'invoker' | 'clock'> & { debounce: DebounceStore };

/**
 * Asks for a debounced run of `type`: the first request since the last debounced run started
 * schedules one, `windowMs` from now; every later one coalesces into it. Callers must have made
 * their data visible before calling, so the run (which clears the mark before reading) sees it.
 */
export async function requestDebounced(deps: RequestDependencies, type: JobType, windowMs: number): Promise<DebounceOutcome> {
  const now = deps.clock.now();
  // SQS delays in whole seconds; rounding up keeps the window at least as long as configured.
  const delaySeconds = Math.min(MAX_INVOKE_DELAY_SECONDS, Math.ceil(windowMs / 1000));
  const dueAt = new Date(now.getTime() + delaySeconds * 1000);
  const won = await deps.debounce.arm(type, { now, dueAt, windowMs, staleBefore: new Date(now.getTime() - DEBOUNCE_STALE_AFTER_MS) });
  if (!won) return 'coalesced';
  try {
    await deps.invoker.invokeAsync({ type, trigger: 'debounce', triggeredBy: 'debounce' }, { delaySeconds });
  } catch (error) {
    // A mark with no invocation behind it would swallow every request until it went stale.
    await deps.debounce.begin(type, deps.clock.now()).catch(() => undefined);
    throw error;
  }
  return 'scheduled';
}

/**
 * Runs a `trigger: 'debounce'` invocation's run. The mark is cleared first, before the run reads
 * anything, so a request that arrives while it runs schedules exactly one follow-up. When the run
 * is skipped because another run holds the lease (which may have listed its input before the
 * requests this run stands for), the request is made again rather than dropped.
 */
export async function executeDebouncedRun<P>(
  definition: JobDefinition<P>,
  queued: JobRecord,
  deps: JobDependencies & { debounce: DebounceStore },
  limits: ExecutionLimits,
): Promise<JobRecord> {
  const mark = await deps.debounce.begin(definition.type, deps.clock.now());
  const job = await executeRun(definition, queued, deps, limits);
  if (mark.wasPending && job.status === 'skipped' && job.summary?.['reason'] === 'lease_held') {
    const windowMs = Math.max(mark.windowMs ?? 0, DEBOUNCE_RETRY_MIN_MS);
    const outcome = await requestDebounced(deps, definition.type, windowMs);
    deps.logger.info('debounced run found the lease held; requested again', { jobId: job.id, type: definition.type, holder: job.skippedFor, outcome, windowMs });
  }
  return job;
}
