import type { GroupTotals } from './groups';

/**
 * The rollup's storage. Every write is either one that absorbs objects (a pending mark per object
 * version, then its contribution) or a pure recomputation from what is stored, so a run stopped
 * between any two writes and run again ends with exact totals.
 */

/** A UTC hour partition, `YYYY-MM-DDTHH` (the `events/dt=…/hour=…/` it stands for). */
export type HourKey = string;

export interface MetricDay {
  metric: string;
  day: string;
}

export interface ContributionCounts {
  lines: number;
  events: number;
  malformed: number;
  unknownMetric: number;
  /** Compressed bytes read. */
  bytes: number;
}

/** What one object added: groups keyed `${day}\u0001${metric}\u0001${dimsKey}`. */
export interface StoredContribution extends ContributionCounts {
  key: string;
  etag: string;
  groups: Map<string, GroupTotals>;
}

export interface NewContribution extends StoredContribution {
  size: number;
  absorbedAt: string;
  jobId: string;
  /** Set when the object could not be read whole: why. Such a contribution has no groups. */
  refused?: string;
}

/** One UTC hour's share of one metric-day: groups keyed by dims key. */
export interface HourPartial extends MetricDay {
  hour: HourKey;
  groups: Map<string, GroupTotals>;
  events: number;
  updatedAt: string;
}

/** What an hour's last recomputation produced, so the next one can tell what disappeared. */
export interface HourSummary {
  hour: HourKey;
  partials: MetricDay[];
  objects: number;
  events: number;
  malformed: number;
  unknownMetric: number;
  updatedAt: string;
}

export interface DailyStat extends MetricDay, GroupTotals {
  /** '' when no dimension is kept; OTHER_DIMS_KEY for the overflow group. */
  dimsKey: string;
  dims: Record<string, string>;
  updatedAt: string;
  /** Only on the overflow group: how many dims groups it merges. */
  mergedGroups?: number;
}

/** Per metric-day facts for freshness and completeness checks. */
export interface DayMeta extends MetricDay {
  updatedAt: string;
  /** Local start (ISO with offset) of each UTC hour partition that holds events of this day. */
  hoursWithData: string[];
  /** 23, 24 or 25: the day's length in the configured zone. */
  hoursInDay: number;
  /** Stats items, the overflow group included. */
  groups: number;
  /** Distinct dims groups before the cardinality cap. */
  distinctGroups: number;
  events: number;
  /** The sum of the day's values, every group's (the overflow's too); absent on days last recomputed before it was kept. */
  sum?: number;
}

export interface DailyStatsChanges {
  put: DailyStat[];
  /** Dims keys whose items no longer exist. */
  delete: string[];
  /** The new meta item; absent when the metric-day has no data left (its meta is removed). */
  meta: DayMeta | undefined;
}

/**
 * The hours ingest has written into since a rollup last listed them. Ingest marks an hour after
 * storing its object (a new token each time, overwriting an older mark); the next rollup scans
 * every marked hour whatever its age, and clears a mark only if its token is still the one it
 * read before listing, so an object stored meanwhile keeps its hour marked for the run after.
 */
export interface WrittenHours {
  markWritten(hours: readonly HourKey[], at: Date): Promise<void>;
}

/**
 * A pending mark: an absorbed object version whose hour is not recomputed yet. The mark names the
 * version (`key`, `etag`), so a recomputation clears only the marks of versions it counted.
 */
export interface PendingMark {
  /** Opaque: what `clearPending` takes. */
  id: string;
  key: string;
  etag: string;
  markedAt: string;
}

/** One object version to absorb into its hour. */
export interface HourContribution {
  hour: HourKey;
  contribution: NewContribution;
}

export interface RollupStore extends WrittenHours, RollupBacklog {
  /** Every marked hour with the token of its mark. */
  writtenHours(): Promise<Map<HourKey, string>>;
  /**
   * Clears each hour's mark if it still holds the token given; returns the hours whose mark was
   * cleared (not those a newer mark replaced).
   */
  clearWritten(marks: ReadonlyMap<HourKey, string>): Promise<HourKey[]>;
  /** Hours absorbed into but not yet fully recomputed, each with its pending marks. */
  pendingHours(): Promise<Map<HourKey, PendingMark[]>>;
  /** Object key → ETag of every object the hour has absorbed. */
  absorbedObjects(hour: HourKey): Promise<Map<string, string>>;
  /**
   * Stores the contributions, in batches: first every version's pending mark, then the
   * contributions themselves (a new ETag replaces what the key contributed before). A stop in
   * between leaves marks whose contribution is missing: their hours are recomputed, the objects
   * (not absorbed) are read again, and a recomputation clears a mark only once it counted the
   * version the mark names.
   */
  absorb(contributions: readonly HourContribution[]): Promise<void>;
  /** Every contribution of the hour, in key order. */
  contributions(hour: HourKey): AsyncIterable<StoredContribution>;
  /** The last recomputation of each of these hours that has one. */
  hourSummaries(hours: readonly HourKey[]): Promise<Map<HourKey, HourSummary>>;
  putHourSummaries(summaries: readonly HourSummary[]): Promise<void>;
  putPartials(partials: readonly HourPartial[]): Promise<void>;
  deletePartials(stale: ReadonlyArray<{ hour: HourKey; metricDay: MetricDay }>): Promise<void>;
  /** Every hour's partial of a metric-day, in hour order. */
  partialsOf(metricDay: MetricDay): Promise<HourPartial[]>;
  /** Clears these marks (read before their hours were recomputed); marks made since stay. */
  clearPending(marks: readonly PendingMark[]): Promise<void>;
  dailyStats(metricDay: MetricDay): Promise<{ items: DailyStat[]; meta: DayMeta | undefined }>;
  /** Only the meta items of these metric-days (batched), keyed by `metricDayKey`; days without stats are missing. */
  dayMetas(metricDays: readonly MetricDay[]): Promise<Map<string, DayMeta>>;
  writeDailyStats(metricDay: MetricDay, changes: DailyStatsChanges): Promise<void>;
}

export const metricDayKey = ({ metric, day }: MetricDay): string => `${metric}\u0001${day}`;

/** What the stats query needs: a metric-day's stats items (no meta). */
export interface StatsReader {
  dailyStats(metricDay: MetricDay): Promise<{ items: DailyStat[] }>;
}

/** What the rollup has not counted yet, so a reader of stats can tell a day is not complete. */
export interface RollupBacklog {
  /**
   * Hours holding accepted events the stats may not include yet: marked written by ingest and not
   * listed since, or absorbed and not yet recomputed (a run stopped half-way, or still running).
   */
  unfinishedHours(): Promise<Set<HourKey>>;
}
