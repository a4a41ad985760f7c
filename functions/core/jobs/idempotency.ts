import { createHash } from 'node:crypto';
import { canonicalJson } from '../config/hash';
import { NightshiftError } from '../errors';
import type { Clock } from './ports';

/** What a key remembers: the request it was first used with, and what that request did. */
export interface IdempotencyRecord {
  fingerprint: string;
  createdAt: string;
  /** What the first request did (the run it started, or that its events are stored); absent while it is still at work. */
  result?: string;
}

export type Reservation = { reserved: true } | { reserved: false; existing: IdempotencyRecord };

/** Idempotency keys, each changed only by conditional writes. */
export interface IdempotencyStore {
  /**
   * Reserves the key for a request unless it is known; a reservation older than `staleBefore`
   * that never got its run (the request died) is taken over.
   */
  reserve(id: string, record: IdempotencyRecord, staleBefore: Date, expiresAt: number): Promise<Reservation>;
  /** Records what the reserving request did. */
  complete(id: string, result: string): Promise<void>;
  /** Forgets a reservation whose request failed (and did nothing that counts), so a retry can start afresh. */
  release(id: string): Promise<void>;
}

export class IdempotencyKeyReusedError extends NightshiftError {
  constructor() {
    super('idempotency_key_reused', 'this Idempotency-Key was used with a different request body; use a new key for a new request');
  }
}

export class IdempotencyKeyInProgressError extends NightshiftError {
  constructor() {
    super('idempotency_key_in_progress', 'a request with this Idempotency-Key is still at work; send it again in a few seconds (it will answer as the first one did)');
  }
}

/** Keys are remembered this long (then a key may start a new run). */
export const IDEMPOTENCY_TTL_SECONDS = 24 * 3600;
/**
 * A reservation without a result after this long belongs to a request that died (or outlived
 * the API's deadline): a retry takes it over and does the work again, which every keyed write
 * makes safe to repeat. Longer than any request may run.
 */
const STALE_RESERVATION_MS = 60_000;

export type IdempotentOutcome<T> = { replayed: false; value: T } | { replayed: true; result: string };

/** Which route a key belongs to: the same key sent to two routes names two requests. */
export type IdempotencyScope = 'jobs' | 'events';

export interface IdempotentRequest {
  scope: IdempotencyScope;
  /** The caller's token name: keys are scoped to it, so two clients cannot collide. */
  principal: string;
  key: string;
  /** The request as it means itself (a parsed body, or the raw body and its type). */
  body: unknown;
}

/** Printable ASCII, as clients generate them (UUIDs, ULIDs, hashes). */
export const IDEMPOTENCY_KEY_PATTERN = /^[\x21-\x7e]{1,255}$/;

/** A stable id for what a key names (scope, caller, key): the stored item's id, and a seed for names derived from it. */
export function idempotencyId(request: Pick<IdempotentRequest, 'scope' | 'principal' | 'key'>): string {
  return createHash('sha256').update(`${request.scope}\u0000${request.principal}\u0000${request.key}`).digest('hex');
}

/**
 * Runs `start` once per (scope, principal, key): a repeat of the same request gets the first
 * one's result back (`replayed`); the same key with another body is refused (422), and a repeat
 * arriving while the first is still at work is asked to retry (409).
 */
export async function oncePerKey<T>(
  store: IdempotencyStore,
  clock: Clock,
  request: IdempotentRequest,
  start: () => Promise<{ value: T; result: string }>,
): Promise<IdempotentOutcome<T>> {
  const id = idempotencyId(request);
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
    if (reservation.existing.result === undefined) throw new IdempotencyKeyInProgressError();
    return { replayed: true, result: reservation.existing.result };
  }
  let started: { value: T; result: string };
  try {
    started = await start();
  } catch (error) {
    await store.release(id).catch(() => undefined);
    throw error;
  }
  await store.complete(id, started.result);
  return { replayed: false, value: started.value };
}
