/** What every part of the rollup benchmark agrees on: the data's shape and the phases' results. */

export const TIMEZONE = 'America/Los_Angeles';
export const METRICS = ['revenue', 'orders', 'sessions', 'page_views', 'refunds'] as const;
export const DIMENSIONS = ['store', 'channel'] as const;
/** `s00` … `s49`. */
export const STORES: readonly string[] = Array.from({ length: 50 }, (_, i) => `s${String(i).padStart(2, '0')}`);
/** Never the name of a dimension, so a store or channel is recognisable in any group-key encoding. */
export const CHANNELS = ['web', 'app', 'pos'] as const;

/** One group of the GROUP BY, keyed the same way for every engine. */
export interface GroupRow {
  day: string;
  metric: string;
  store: string;
  channel: string;
  count: number;
  sum: number;
  min: number;
  max: number;
}

export interface RssFigures {
  /** The process's own peak (Linux VmHWM; elsewhere `resourceUsage().maxRSS`). */
  peakBytes: number;
  /** The highest `process.memoryUsage().rss` seen by a 10 ms sampler. */
  sampledPeakBytes: number;
}

/** What a worker sends back: the phase's own result plus its memory figures. */
export interface WorkerReport<R> {
  result: R;
  rss: RssFigures;
  /** User + system CPU time of the whole process (all its threads) during the phase's work. */
  cpuSeconds: number;
}

export interface ThroughputResult {
  events: number;
  seconds: number;
  /** How the files were read: "sequential" or "N files at a time". */
  mode: string;
}

/** A group as the aggregator keys it: `${localDay}\u0001${metric}\u0001${dimsKey}`, then its totals. */
export type KeyedTotals = [key: string, count: number, sum: number, min: number, max: number];

export interface OursResult extends ThroughputResult {
  groups: KeyedTotals[];
  lines: number;
  malformed: number;
  unknownMetric: number;
  bytes: number;
}

export interface DuckDbResult extends ThroughputResult {
  groups: GroupRow[];
  version: string;
  threads: number;
  /** How the local day was computed (ICU time zone conversion, or the fallback). */
  dayMethod: string;
  /** Which formulation of the GROUP BY ran (`phase-duckdb.ts`). */
  formulation: string;
}

export interface AmplificationResult {
  runs: number;
  statuses: Record<string, number>;
  events: number;
  objects: number;
  bytesIngested: number;
  eventBytesRead: number;
  otherBytesRead: number;
  /** Sum of summary fields named like bytes read, when the rollup reports them. */
  summaryBytesRead: number | undefined;
  summaryBytesField: string | undefined;
  /** Sum of the runs' summary `events`: every event written should be absorbed exactly once. */
  eventsAbsorbed: number | undefined;
  rollupSeconds: number;
  lastSummary: Record<string, unknown> | undefined;
}

export function mb(bytes: number): number {
  return bytes / (1024 * 1024);
}
