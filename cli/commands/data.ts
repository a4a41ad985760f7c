import type { SnapshotItem, StatsResult } from '../../functions/client/types';
import { booleanOption, dayBefore, dayOption, EXIT, integerOption, localDayOf, stringOption, timezoneOf, timezoneOption, type Command } from '../command';
import { formatNumber, formatTable, json, line } from '../output';

const stats: Command = {
  path: ['stats'],
  synopsis: 'METRIC [--from DAY] [--to DAY] [--group-by DIMENSION] [--timezone ZONE]',
  summary: 'Daily stats of a metric over local days (both included; default the last 7 days, today included)',
  options: {
    from: { type: 'string', description: 'first local day, YYYY-MM-DD (default 6 days before --to)', valueName: 'DAY' },
    to: { type: 'string', description: 'last local day, YYYY-MM-DD (default today)', valueName: 'DAY' },
    'group-by': { type: 'string', description: 'one kept dimension (store, channel…)', valueName: 'DIMENSION' },
    timezone: timezoneOption,
  },
  positionals: [1, 1],
  examples: ['nightshift stats revenue --group-by channel', 'nightshift stats revenue --from 2026-11-16 --to 2026-11-22'],
  async run(context) {
    const groupBy = stringOption(context, 'group-by');
    const to = dayOption(context, 'to') ?? localDayOf(context.io.now(), await timezoneOf(context));
    const from = dayOption(context, 'from') ?? dayBefore(to, 6);
    const result = await context.client.stats({ metric: context.positionals[0]!, from, to, ...(groupBy ? { groupBy } : {}) });
    if (context.json) {
      json(context.io, result);
      return EXIT.ok;
    }
    line(context.io, formatStats(result, groupBy));
    return EXIT.ok;
  },
};

/**
 * Daily stats as a table (a column for the `groupBy` dimension), or a line saying there are none;
 * a day whose stats may still miss accepted events is starred, with a line saying why.
 */
export function formatStats(result: StatsResult, groupBy: string | undefined): string {
  const pending = result.incompleteDays.length === 0 ? '' : `\n* not complete yet: ${result.incompleteDays.join(', ')} (accepted events still being rolled up)`;
  if (result.items.length === 0) return `no ${result.metric} data on those days (${result.timezone})${pending}`;
  const table = formatTable(result.items, [
    { header: 'DAY', value: (item) => (item.complete ? item.day : `${item.day}*`) },
    ...(groupBy ? [{ header: groupBy.toUpperCase(), value: (item: (typeof result.items)[number]) => item.dims[groupBy] ?? '(none)' }] : []),
    { header: 'COUNT', value: (item) => formatNumber(item.count), align: 'right' },
    { header: 'SUM', value: (item) => formatNumber(item.sum), align: 'right' },
    { header: 'MIN', value: (item) => formatNumber(item.min), align: 'right' },
    { header: 'MAX', value: (item) => formatNumber(item.max), align: 'right' },
  ]);
  return `${table}\n${result.metric}, local days in ${result.timezone}${pending}`;
}

const snapshots: Command = {
  path: ['snapshots'],
  synopsis: '[--period daily|weekly|monthly|KEY] [--from DAY] [--to DAY] [--scope S] [--limit N | --all]',
  summary: 'Snapshot values per period and scope',
  details: 'A period kind lists its periods whose first day is in --from..--to (default: the last month,\nquarter or year); a period key (2026-11-22, 2026-W47, 2026-11) lists that one period.',
  options: {
    period: { type: 'string', description: 'daily (default), weekly, monthly, or one period key', valueName: 'P' },
    from: { type: 'string', description: 'first day of the first period, YYYY-MM-DD', valueName: 'DAY' },
    to: { type: 'string', description: 'first day of the last period, YYYY-MM-DD', valueName: 'DAY' },
    scope: { type: 'string', description: 'one scope: overall, store=s01…', valueName: 'S' },
    limit: { type: 'string', description: 'items per request, 1-500 (default 100)', valueName: 'N' },
    all: { type: 'boolean', description: 'every page' },
  },
  positionals: [0, 0],
  examples: ['nightshift snapshots --period 2026-W47 --scope overall', 'nightshift snapshots --from 2026-11-16 --to 2026-11-22 --scope store=s01'],
  async run(context) {
    const period = stringOption(context, 'period');
    const from = dayOption(context, 'from');
    const to = dayOption(context, 'to');
    const scope = stringOption(context, 'scope');
    const limit = integerOption(context, 'limit', 1, 500);
    const query = { ...(period ? { period } : {}), ...(from ? { from } : {}), ...(to ? { to } : {}), ...(scope ? { scope } : {}), ...(limit ? { limit } : {}) };
    let page = await context.client.snapshots(query);
    const items: SnapshotItem[] = [...page.items];
    while (booleanOption(context, 'all') && page.nextCursor) {
      page = await context.client.snapshots({ ...query, cursor: page.nextCursor });
      items.push(...page.items);
    }
    if (context.json) {
      json(context.io, { ...page, items, nextCursor: page.nextCursor });
      return EXIT.ok;
    }
    if (items.length === 0) {
      line(context.io, `no ${page.periodType} snapshots with a first day in ${page.from}..${page.to}`);
      return EXIT.ok;
    }
    const metrics = [...new Set(items.flatMap((item) => Object.keys(item.values)))];
    line(
      context.io,
      formatTable(items, [
        { header: 'PERIOD', value: (item) => item.period },
        { header: 'SCOPE', value: (item) => item.scope },
        ...metrics.map((metric) => ({ header: metric.toUpperCase(), value: (item: SnapshotItem) => formatNumber(item.values[metric]), align: 'right' as const })),
        { header: 'ERRORS', value: (item) => item.errors.map((error) => `${error.metric}: ${error.code}`).join('; ') },
      ]),
    );
    if (page.nextCursor) line(context.io, `more items follow (--all, or --json for the cursor)`);
    const withErrors = items.filter((item) => item.errors.length > 0).length;
    line(context.io, `${items.length} item(s), ${page.periodType}, ${page.timezone}${withErrors ? `; ${withErrors} with errors (null values)` : ''}`);
    return EXIT.ok;
  },
};

export const dataCommands: readonly Command[] = [stats, snapshots];
