import type { NightshiftConfig } from '../../core/config';
import { InvalidStatsQueryError } from '../../core/rollup/errors';
import { OTHER_DIMS_KEY, addTotals, type GroupTotals } from '../../core/rollup/groups';
import type { DailyStat, HourKey, RollupBacklog, StatsReader } from '../../core/rollup/ports';
import { InvalidPeriodError } from '../../core/time/errors';
import { localDay, periodsBetween } from '../../core/time/periods';
import { hourStartMs } from './hours';
import { mapConcurrent } from '../../core/map-concurrent';

/** Local days, both included, `YYYY-MM-DD`. */
export interface StatsQuery {
  metric: string;
  from: string;
  to: string;
  groupBy?: string;
}

export interface StatsItem {
  day: string;
  dims: Record<string, string>;
  count: number;
  sum: number;
  min: number;
  max: number;
  /** False while some accepted events of the day may not be counted yet (a rollup is due, running, or was stopped half-way). */
  complete: boolean;
}

export interface StatsResult {
  metric: string;
  timezone: string;
  items: StatsItem[];
  /** Days of the range, with or without items, whose stats may not hold every accepted event yet. */
  incompleteDays: string[];
}

export interface StatsDependencies {
  config: NightshiftConfig;
  stats: StatsReader;
  backlog: RollupBacklog;
}

export const MAX_QUERY_DAYS = 366;
const READ_CONCURRENCY = 8;

/**
 * Daily stats of one metric over local days. Without `groupBy` each day's groups add up to one
 * item (dims `{}`); with it, one item per day and value of that dimension (dims `{[groupBy]:
 * value}`; `{}` for events without it, `'__other__'` for the cardinality overflow). Days without
 * data have no item. Sorted by day, then dims. A day that an unfinished rollup hour touches (events
 * stored and not yet counted, or counted half-way by a stopped run) is `complete: false` and listed
 * in `incompleteDays`, whether or not it has items yet.
 */
export async function queryStats(deps: StatsDependencies, query: StatsQuery): Promise<StatsResult> {
  const { config } = deps;
  if (!Object.hasOwn(config.metrics, query.metric)) {
    const known = Object.keys(config.metrics).sort().join(', ');
    throw new InvalidStatsQueryError(`unknown metric "${query.metric}" (configured: ${known || 'none'})`);
  }
  const groupBy = query.groupBy === '' ? undefined : query.groupBy;
  if (groupBy !== undefined && !config.dimensions.includes(groupBy)) {
    throw new InvalidStatsQueryError(`unknown dimension "${groupBy}" for groupBy (configured: ${config.dimensions.join(', ') || 'none'})`);
  }
  let days: string[];
  try {
    days = periodsBetween('day', query.from, query.to, { timezone: config.timezone, weekStartsOn: 'monday' }, MAX_QUERY_DAYS).map((period) => period.key);
  } catch (error) {
    if (error instanceof InvalidPeriodError) throw new InvalidStatsQueryError(`from/to: ${error.message}`, { cause: error });
    throw error;
  }

  const [perDay, unfinished] = await Promise.all([
    mapConcurrent(days, READ_CONCURRENCY, async (day) => (await deps.stats.dailyStats({ metric: query.metric, day })).items),
    deps.backlog.unfinishedHours(),
  ]);
  const incomplete = localDaysTouched(unfinished, config.timezone);
  const items: StatsItem[] = [];
  days.forEach((day, index) => items.push(...combine(day, perDay[index] ?? [], groupBy, !incomplete.has(day))));
  return { metric: query.metric, timezone: config.timezone, items, incompleteDays: days.filter((day) => incomplete.has(day)) };
}

/** The local days a set of UTC hours overlaps (two for an hour that a half-hour offset splits at midnight). */
function localDaysTouched(hours: ReadonlySet<HourKey>, timezone: string): Set<string> {
  const days = new Set<string>();
  for (const hour of hours) {
    const start = hourStartMs(hour);
    days.add(localDay(new Date(start), timezone));
    days.add(localDay(new Date(start + 3_599_999), timezone));
  }
  return days;
}

function combine(day: string, stats: readonly DailyStat[], groupBy: string | undefined, complete: boolean): StatsItem[] {
  const groups = new Map<string, { dims: Record<string, string>; totals: GroupTotals }>();
  for (const stat of stats) {
    const value = groupBy === undefined ? undefined : stat.dimsKey === OTHER_DIMS_KEY ? OTHER_DIMS_KEY : stat.dims[groupBy];
    const dims: Record<string, string> = groupBy !== undefined && value !== undefined ? { [groupBy]: value } : {};
    const id = value ?? '';
    const existing = groups.get(id);
    if (existing) addTotals(existing.totals, stat);
    else groups.set(id, { dims, totals: { count: stat.count, sum: stat.sum, min: stat.min, max: stat.max } });
  }
  return [...groups.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([, { dims, totals }]) => ({ day, dims, count: totals.count, sum: totals.sum, min: totals.min, max: totals.max, complete }));
}
