import { OTHER_DIMS_KEY, addTotals, type GroupTotals } from '../../core/rollup/groups';
import type { DailyStat, MetricDay, StatsReader } from '../../core/rollup/ports';
import type { ExportShape } from './encode';
import { readAhead, type ExportRow, type RowSource } from './rows';

/** Metric-days read at once: enough to hide DynamoDB latency, few enough to keep memory flat. */
const READ_WINDOW = 8;

/**
 * Rows from the rollup's daily stats: each metric-day's stats items folded into the plan's
 * `groupBy` groups (count and sum added, min of mins, max of maxes). Without `groupBy` a
 * metric-day with data is one row. Metric-days without data have no row.
 */
export function statsRowSource(stats: StatsReader): RowSource {
  return async function* statsRows(plan, signal) {
    const units: MetricDay[] = plan.days.flatMap((day) => plan.metrics.map((metric) => ({ metric, day })));
    const read = async (unit: MetricDay) => ({ unit, items: (await stats.dailyStats(unit)).items });
    for await (const { unit, items } of readAhead(units, READ_WINDOW, read, signal)) {
      yield* groupRows(unit, items, plan.groupBy);
    }
  };
}

/** One metric-day's stats items folded by the `groupBy` dimensions, sorted by group. */
export function groupRows(unit: MetricDay, items: readonly DailyStat[], groupBy: readonly string[]): ExportRow[] {
  const groups = new Map<string, { dims: Record<string, string>; totals: GroupTotals }>();
  for (const item of items) {
    const dims = groupDims(item, groupBy);
    // '\u0000' cannot appear in a dims value; absent values get their own group.
    const id = groupBy.map((name) => dims[name] ?? '\u0000').join('\u0001');
    const existing = groups.get(id);
    if (existing) addTotals(existing.totals, item);
    else groups.set(id, { dims, totals: { count: item.count, sum: item.sum, min: item.min, max: item.max } });
  }
  return [...groups.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([, { dims, totals }]) => ({ day: unit.day, metric: unit.metric, dims, ...totals }));
}

function groupDims(item: DailyStat, groupBy: readonly string[]): Record<string, string> {
  const dims: Record<string, string> = {};
  for (const name of groupBy) {
    const value = item.dimsKey === OTHER_DIMS_KEY ? OTHER_DIMS_KEY : item.dims[name];
    if (value !== undefined) dims[name] = value;
  }
  return dims;
}

/** Stats rows: `day, metric, <each groupBy dimension>, count, sum, min, max, avg`. */
export function statsShape(groupBy: readonly string[]): ExportShape<ExportRow> {
  return {
    columns: ['day', 'metric', ...groupBy, 'count', 'sum', 'min', 'max', 'avg'],
    cells: (row) => [row.day, row.metric, ...groupBy.map((name) => row.dims[name] ?? ''), row.count, row.sum, row.min, row.max, row.sum / row.count],
    json: (row) => ({ ...row, avg: row.sum / row.count }),
  };
}
