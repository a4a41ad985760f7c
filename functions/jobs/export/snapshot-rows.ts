import type { SnapshotItem } from '../../core/snapshots/document';
import type { SnapshotStore } from '../../core/snapshots/ports';
import type { ExportShape } from './encode';
import type { RowSource } from './rows';

/** Items per page: one DynamoDB query, a bounded window of the export. */
const PAGE = 200;

/**
 * Rows from snapshot items: one per period and scope, periods by their first day within the
 * plan's `from`..`to`, oldest first, read a page at a time.
 */
export function snapshotRowSource(store: SnapshotStore): RowSource<SnapshotItem> {
  return async function* snapshotRows(plan, signal) {
    let cursor: string | undefined;
    do {
      signal.throwIfAborted();
      const page = await store.list({
        periodType: plan.snapshotPeriod ?? 'daily',
        from: plan.from,
        to: plan.to,
        limit: PAGE,
        ...(plan.scope !== undefined ? { scope: plan.scope } : {}),
        ...(cursor !== undefined ? { cursor } : {}),
      });
      yield* page.items;
      cursor = page.nextCursor;
    } while (cursor !== undefined);
  };
}

/**
 * Snapshot rows: `period, periodType, periodStart, periodEnd, scope, <each metric>, errors`; a
 * value that could not be computed is an empty cell (CSV) or `null` (JSON), with its reason in
 * `errors`.
 */
export function snapshotShape(metrics: readonly string[]): ExportShape<SnapshotItem> {
  return {
    columns: ['period', 'periodType', 'periodStart', 'periodEnd', 'scope', ...metrics, 'errors'],
    cells: (item) => [
      item.period,
      item.periodType,
      item.periodStart,
      item.periodEnd,
      item.scope,
      ...metrics.map((metric) => item.values[metric] ?? ''),
      item.errors.map((error) => `${error.metric}: ${error.code}`).join('; '),
    ],
    json: (item) => ({
      period: item.period,
      periodType: item.periodType,
      periodStart: item.periodStart,
      periodEnd: item.periodEnd,
      scope: item.scope,
      values: Object.fromEntries(metrics.map((metric) => [metric, item.values[metric] ?? null])),
      errors: item.errors,
    }),
  };
}
