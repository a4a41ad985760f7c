import { eventsBodyFormat, parseEventsBody } from '../../core/events/events-body';
import { NoValidEventsError } from '../../core/events/errors';
import { ingestEvents } from '../../core/events/ingest';
import type { RouteHandler } from '../http';

/**
 * POST /events: 202 with what was kept and what was refused (by index, with a reason); 400 when
 * nothing is valid (still listing every reason) or the body is malformed; 413 past the limits.
 */
export const postEvents: RouteHandler = async (request, { deps, rollup }) => {
  const raw = parseEventsBody(request.body, eventsBodyFormat(request.headers['content-type']));
  try {
    const result = await ingestEvents({ ...deps, writtenHours: rollup }, raw);
    deps.logger.info('events ingested', { principal: request.principal?.name, accepted: result.accepted, rejected: result.rejected.length, objects: result.objects.length, rollup: result.rollup });
    return { status: 202, body: { accepted: result.accepted, rejected: result.rejected, objects: result.objects } };
  } catch (error) {
    if (!(error instanceof NoValidEventsError)) throw error;
    return { status: 400, body: { error: error.toJSON(), accepted: 0, rejected: error.rejected, objects: [] } };
  }
};
