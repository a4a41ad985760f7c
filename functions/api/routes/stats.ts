import * as z from 'zod/mini';
import '../../core/zod-mini-english';
import { queryStats } from '../../jobs/rollup/query-stats';
import type { RouteHandler } from '../http';
import { parseInput } from '../validation';
import { localDaySchema as localDay } from '../schemas';

export const statsQuery = z.strictObject({
  metric: z.string().check(z.minLength(1), z.maxLength(64)),
  from: localDay,
  to: localDay,
  groupBy: z.optional(z.string().check(z.minLength(1), z.maxLength(64))),
});

/**
 * GET /stats: daily stats of one metric over local days (both included) in the configured zone,
 * summed across dimensions or grouped by one kept dimension. Unknown parameters, metrics and
 * dimensions are 400s that name them.
 */
export const getStats: RouteHandler = async (request, { deps, rollup }) => {
  const query = parseInput(statsQuery, request.query, 'query');
  const result = await queryStats({ config: deps.config, stats: rollup, backlog: rollup }, {
    metric: query.metric,
    from: query.from,
    to: query.to,
    ...(query.groupBy !== undefined ? { groupBy: query.groupBy } : {}),
  });
  return { status: 200, body: result };
};
