import type { JobDependencies } from '../../core/jobs/definition';
import type { Logger } from '../../core/jobs/logger';
import { keepLeaseRenewed } from '../../core/jobs/lease-renewal';
import type { RollupStore } from '../../core/rollup/ports';
import { errorFields } from '../../core/errors';
import { RollupBusyError } from '../../core/rollup/errors';
import { runRollup, type RollupReport } from './run-rollup';
import { ROLLUP_LEASE } from './rollup-job';

export interface BringUpToDateInput {
  deps: JobDependencies;
  /** Local days, both included (`YYYY-MM-DD`), at most 31 days apart. */
  from: string;
  to: string;
  /** The calling run's id: the lease owner while the rollup runs. */
  jobId: string;
  signal: AbortSignal;
  deadline: Date;
  log: Logger;
  /** The rollup's items (the composition root's Analytics table, or a test's). */
  store: RollupStore;
  /** How long to wait for a rollup that holds the lease. Default: until 30 s before the deadline. */
  maxWaitMs?: number;
}

const POLL_MS = 500;
const DEADLINE_RESERVE_MS = 30_000;

/**
 * Runs a rollup over the given local days inside another run (a snapshot, a proof) so what it
 * reads next includes every event that has arrived, even at 02:59 before a 03:00 snapshot. It
 * takes the rollup lease like any rollup (waiting for a running one to finish), renews it while
 * working, and gives it back; a lease it cannot get in time is a `RollupBusyError`.
 */
export async function bringRollupUpToDate(input: BringUpToDateInput): Promise<RollupReport> {
  const { deps, jobId, log } = input;
  // The calling run's own id: whoever finds the lease held is pointed at a run it can look up.
  const owner = jobId;
  await acquireWhenFree(input, owner);
  const controller = new AbortController();
  const onOuterAbort = () => controller.abort(input.signal.reason);
  input.signal.addEventListener('abort', onOuterAbort, { once: true });
  const stopRenewing = keepLeaseRenewed(deps.leases, deps.clock, ROLLUP_LEASE, owner, (lost) => controller.abort(lost), log);
  try {
    const report = await runRollup({
      store: input.store,
      artifacts: deps.artifacts,
      config: deps.config,
      clock: deps.clock,
      log,
      signal: controller.signal,
      deadline: input.deadline,
      jobId,
      params: { from: input.from, to: input.to },
      listLookback: true,
    });
    log.info('rollup brought up to date', { from: input.from, to: input.to, objectsRead: report.objectsRead, events: report.events, objectsLeft: report.objectsLeft });
    return report;
  } finally {
    stopRenewing();
    input.signal.removeEventListener('abort', onOuterAbort);
    await deps.leases.release(ROLLUP_LEASE.lease, owner).catch((error: unknown) => log.warn('rollup lease release failed', errorFields(error)));
  }
}

async function acquireWhenFree(input: BringUpToDateInput, owner: string): Promise<void> {
  const { deps, signal } = input;
  // Measured on the real clock: waiting is real time even when a test fakes the job's clock.
  const maxWaitMs = input.maxWaitMs ?? input.deadline.getTime() - deps.clock.now().getTime() - DEADLINE_RESERVE_MS;
  const waitUntil = Date.now() + Math.max(0, maxWaitMs);
  let holder: string;
  for (;;) {
    signal.throwIfAborted();
    const attempt = await deps.leases.acquire(ROLLUP_LEASE.lease, owner, ROLLUP_LEASE.ttlMs);
    if (attempt.acquired) return;
    holder = attempt.holder;
    if (Date.now() + POLL_MS > waitUntil) break;
    await sleep(POLL_MS, signal);
  }
  throw new RollupBusyError(holder);
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
