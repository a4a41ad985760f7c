import { errorFields } from '../errors';
import { LeaseLostError } from './errors';
import type { Logger } from './logger';
import type { Clock, LeaseStore } from './ports';
import { repeatEvery } from './clock-timers';

/**
 * Keeps a held lease alive: renews it every third of its TTL (at least every second), measured on
 * the clock the lease store stamps expiries with, until the returned function is called. A renewal that finds the lease gone calls `onLost` (the holder
 * must stop: someone else may hold it now); any other failure is logged and tried again at the
 * next tick, while the lease still has two thirds of its TTL to run.
 */
export function keepLeaseRenewed(
  leases: LeaseStore,
  clock: Clock,
  lease: { lease: string; ttlMs: number },
  owner: string,
  onLost: (error: LeaseLostError) => void,
  log: Logger,
): () => void {
  return repeatEvery(clock, Math.max(1000, Math.floor(lease.ttlMs / 3)), () => {
    leases.renew(lease.lease, owner, lease.ttlMs).catch((error: unknown) => {
      if (error instanceof LeaseLostError) onLost(error);
      else log.warn(`${lease.lease} lease renewal failed; will retry`, errorFields(error));
    });
  });
}
