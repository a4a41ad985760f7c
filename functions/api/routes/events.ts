import { eventsBodyFormat, parseEventsBody } from '../../core/events/events-body';
import { NoValidEventsError } from '../../core/events/errors';
import { ingestEvents, replayedIngest, type IngestResult } from '../../core/events/ingest';
import { idempotencyId, oncePerKey } from '../../core/jobs/idempotency';
import { idempotencyKeyOf } from '../idempotency-key';
import type { ApiResponse, RouteHandler } from '../http';

/**
 * POST /events: 202 with what was kept and what was refused (by index, with a reason); 400 when
 * nothing is valid (still listing every reason) or the body is malformed; 413 past the limits.
 * With an `Idempotency-Key`, the objects are named after the key (a retry rewrites them, it never
 * adds more), and a repeat of the same request (same token, key and body) answers as the first
 * did (202, `idempotent-replayed: true`) without writing; another body with that key is a 422,
 * and a repeat while the first is still at work a 409.
 */
export const postEvents: RouteHandler = async (request, { deps, rollup, idempotency }) => {
  const format = eventsBodyFormat(request.headers['content-type']);
  const raw = parseEventsBody(request.body, format);
  const key = idempotencyKeyOf(request);
  const principal = request.principal?.name ?? 'api';
  const ingestDeps = { ...deps, writtenHours: rollup };
  try {
    if (key === undefined) return accepted(await ingestEvents(ingestDeps, raw));
    const objectId = keyedObjectId(idempotencyId({ scope: 'events', principal, key }));
    const outcome = await oncePerKey(idempotency, deps.clock, { scope: 'events', principal, key, body: { format, body: request.body ?? '' } }, async () => ({
      value: await ingestEvents(ingestDeps, raw, { objectId }),
      result: 'stored',
    }));
    if (outcome.replayed) return accepted(replayedIngest(deps, raw, objectId), { 'idempotent-replayed': 'true' });
    return accepted(outcome.value);
  } catch (error) {
    if (!(error instanceof NoValidEventsError)) throw error;
    return { status: 400, body: { error: error.toJSON(), accepted: 0, rejected: error.rejected, objects: [] } };
  }

  function accepted(result: Omit<IngestResult, 'rollup'> & Partial<Pick<IngestResult, 'rollup'>>, headers?: Record<string, string>): ApiResponse {
    deps.logger.info('events ingested', { principal, accepted: result.accepted, rejected: result.rejected.length, objects: result.objects.length, rollup: result.rollup ?? 'replayed', keyed: key !== undefined });
    return { status: 202, body: { accepted: result.accepted, rejected: result.rejected, objects: result.objects }, ...(headers ? { headers } : {}) };
  }
};

/** The object name of a keyed request: derived from the key (never the key itself), the same on every retry. */
function keyedObjectId(id: string): string {
  return `idem-${id.slice(0, 32)}`;
}
