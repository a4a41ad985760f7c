import * as z from 'zod/mini';
import '../../core/zod-mini-english';
import { snapshotPeriodNameList, snapshotPeriodNames, type SnapshotPeriodName } from '../../core/snapshots/document';
import { localDay, parsePeriodKey, periodTypeOfKey } from '../../core/time/periods';
import { BadRequestError } from '../errors';
import type { RouteHandler } from '../http';
import { cursorSchema, localDaySchema } from '../schemas';
import { parseInput } from '../validation';

const PRESIGNED_URL_SECONDS = 900;
/** Without `from`, the list looks back this far from `to`. */
const DEFAULT_LOOKBACK_DAYS: Record<SnapshotPeriodName, number> = { daily: 31, weekly: 7 * 13, monthly: 366 };
const DAY_MS = 86_400_000;

export const snapshotsQuery = z.strictObject({
  period: z._default(z.string().check(z.minLength(1), z.maxLength(20)), 'daily'),
  from: z.optional(localDaySchema),
  to: z.optional(localDaySchema),
  scope: z.optional(z.string().check(z.minLength(1), z.maxLength(200))),
  limit: z._default(z.coerce.number().check(z.int(), z.gte(1), z.lte(500)), 100),
  cursor: z.optional(cursorSchema),
});

/**
 * GET /snapshots: snapshot items, oldest period first, every scope (or one), each with a link to
 * its period's artifact. `period` is a kind (`daily`, `weekly`, `monthly`; then `from`/`to` pick
 * periods by their first day, default the last month / quarter / year) or one period's key
 * (`2026-11-22`, `2026-W47`, `2026-11`).
 */
export const listSnapshots: RouteHandler = async (request, { deps, snapshots }) => {
  const query = parseInput(snapshotsQuery, request.query, 'query');
  const { config } = deps;
  let periodType: SnapshotPeriodName;
  let from: string;
  let to: string;
  if ((snapshotPeriodNameList as readonly string[]).includes(query.period)) {
    periodType = query.period as SnapshotPeriodName;
    to = query.to ?? localDay(deps.clock.now(), config.timezone);
    from = query.from ?? localDay(new Date(Date.parse(`${to}T12:00:00Z`) - DEFAULT_LOOKBACK_DAYS[periodType] * DAY_MS), 'UTC');
  } else {
    const type = periodTypeOfKey(query.period);
    if (type === undefined) {
      throw new BadRequestError(`query.period: "${query.period}" is neither ${snapshotPeriodNameList.join(', ')} nor a period key (2026-11-22, 2026-W47, 2026-11)`);
    }
    if (query.from !== undefined || query.to !== undefined) throw new BadRequestError('query: from/to go with a period kind (daily, weekly, monthly), not with one period');
    const period = parsePeriodKey(query.period, { timezone: config.timezone, weekStartsOn: config.weekStartsOn });
    periodType = snapshotPeriodNames[period.type];
    from = to = period.startLocal.slice(0, 10);
  }
  if (from > to) throw new BadRequestError(`query: from (${from}) is after to (${to})`);

  const page = await snapshots.list({
    periodType,
    from,
    to,
    limit: query.limit,
    ...(query.scope !== undefined ? { scope: query.scope } : {}),
    ...(query.cursor !== undefined ? { cursor: query.cursor } : {}),
  });
  const urls = new Map<string, string>();
  for (const key of new Set(page.items.map((item) => item.artifactKey))) urls.set(key, await deps.artifacts.presignGet(key, PRESIGNED_URL_SECONDS));
  return {
    status: 200,
    body: {
      periodType,
      from,
      to,
      timezone: config.timezone,
      items: page.items.map((item) => ({ ...item, artifactUrl: urls.get(item.artifactKey) })),
      nextCursor: page.nextCursor ?? null,
    },
  };
};
