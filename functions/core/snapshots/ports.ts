import type { SnapshotItem, SnapshotPeriodName } from './document';

export interface SnapshotQuery {
  periodType: SnapshotPeriodName;
  /** Local days, both included: periods whose first day lies in the range. */
  from: string;
  to: string;
  scope?: string;
  limit: number;
  cursor?: string;
}

export interface SnapshotPage {
  items: SnapshotItem[];
  nextCursor?: string;
}

/** Snapshot items: one per (scope, period type, period start). */
export interface SnapshotStore {
  /**
   * Makes `items` the period's whole set: writes each (replacing what a previous run wrote) and
   * deletes the period's items of scopes that no longer exist. Returns what it deleted.
   */
  replacePeriod(periodType: SnapshotPeriodName, periodStart: string, items: readonly SnapshotItem[]): Promise<{ written: number; deleted: number }>;
  list(query: SnapshotQuery): Promise<SnapshotPage>;
}
