import { createHash } from 'node:crypto';
import { canonicalJson } from '../config/hash';
import { NightshiftError } from '../errors';
import type { Clock } from './ports';

/** What a key remembers: the request it was first used with, and the run that request started. */
export interface IdempotencyRecord {
  fingerprint: string;
  createdAt: string;
  /** Absent while the first request is still starting its run. */
  jobId?: string;
}

export type Reservation = { reserved: true } | { reserved: false; existing: IdempotencyRecord };

/** Idempotency keys, each changed only by conditional writes. */
export interface IdempotencyStore {
  /**
   * Reserves the key for a request unless it is known; a reservation older than `staleBefore`
   * that never got its run (the request died) is taken over.
   */
  reserve(id: string, record: IdempotencyRecord, staleBefore: Date, expiresAt: number): Promise<Reservation>;
  /** Records the run the reserving request started. */
  complete(id: string, jobId: string): Promise<void>;
  /** Forgets a reservation whose request failed before starting a run, so a retry can. */
  release(id: string): Promise<void>;
}

export class IdempotencyKeyReusedError extends NightshiftError {
  constructor() {
    super('idempotency_key_reused', 'this Idempotency-Key was used with a different request body; use a new key for a new request');
  }
}

export class IdempotencyKeyInProgressError extends NightshiftError {
  constructor() {
    super('idempotency_key_in_progress', 'a request with this Idempotency-Key is still starting its run; retry in a moment');
  }
}

/** Keys are remembered this long (then a key may start a new run). */
export const IDEMPOTENCY_TTL_SECONDS = 24 * 3600;
/** A reservation without a run after this long belongs to a request that died. */
const STALE_RESERVATION_MS = 60_000;

export type IdempotentOutcome<T> = { replayed: false; value: T } | { replayed: true; jobId: string };

/**
 * Runs `start` once per (principal, key): a repeat of the same request gets the first run's id
 * back (`replayed`); the same key with another body is refused (422), and a repeat arriving while
 * the first is still starting is asked to retry (409). Keys are scoped to the caller's token, so
 * two clients cannot collide.
 */
export async function oncePerKey<T>(
  store: IdempotencyStore,
  clock: Clock,
  request: { principal: string; key: string; body: unknown },
  start: () => Promise<T & { jobId: string }>,
): Promise<IdempotentOutcome<T>> {
  const id = createHash('sha256').update(`${request.principal}\u0000${request.key}`).digest('hex');
  const fingerprint = createHash('sha256').update(canonicalJson(request.body)).digest('hex');
  const now = clock.now();
  const reservation = await store.reserve(
    id,
    { fingerprint, createdAt: now.toISOString() },
    new Date(now.getTime() - STALE_RESERVATION_MS),
    Math.floor(now.getTime() / 1000) + IDEMPOTENCY_TTL_SECONDS,
  );
  if (!reservation.reserved) {
    if (reservation.existing.fingerprint !== fingerprint) throw new IdempotencyKeyReusedError();
    if (reservation.existing.jobId === undefined) throw new IdempotencyKeyInProgressError();
    return { replayed: true, jobId: reservation.existing.jobId };
  }
  let value: T & { jobId: string };
  try {
    value = await start();
  } catch (error) {
    await store.release(id).catch(() => undefined);
    throw error;
  }
  await store.complete(id, value.jobId);
  return { replayed: false, value };
}
