import * as z from 'zod';
import { queryStats } from '../../jobs/rollup/query-stats';
import type { RouteHandler } from '../http';
import { parseInput } from '../validation';
import { localDaySchema as localDay } from '../schemas';

export const statsQuery = z
  .object({
    metric: z.string().min(1).max(64),
    from: localDay,
    to: localDay,
    groupBy: z.string().min(1).max(64).optional(),
  })
  .strict();

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
