import { parse } from 'csv-parse/sync';
import type { JobDependencies } from '../../functions/core/jobs/definition';
import { executeRun } from '../../functions/core/jobs/execute-run';
import type { ArtifactStore } from '../../functions/core/jobs/ports';
import type { JobRecord } from '../../functions/core/jobs/record';
import type { RollupStore, StatsReader } from '../../functions/core/rollup/ports';
import { createExportJob } from '../../functions/jobs/export/export-run';
import { statsRowSource } from '../../functions/jobs/export/stats-rows';
import { snapshotRowSource } from '../../functions/jobs/export/snapshot-rows';
import type { SnapshotStore } from '../../functions/core/snapshots/ports';
import type { ProofIndex } from '../../functions/core/proofs/ports';
import { newJob } from './jobs';
import type { ExpectedTotals } from './rollup-events';

/** For exports of stats only: reading snapshots there is a test's mistake. */
const noSnapshots: SnapshotStore = {
  replacePeriod: () => Promise.reject(new Error('this test exports stats only')),
  list: () => Promise.reject(new Error('this test exports stats only')),
};

/** A proof index without proofs: every day is unproven, so nothing is held. */
const noProofs: ProofIndex = {
  put: () => Promise.reject(new Error('the export never writes proofs')),
  get: () => Promise.resolve(undefined),
  list: () => Promise.resolve([]),
};

export interface ExportExtras {
  snapshots?: SnapshotStore;
  /** The proof index the gate reads; default: no day proven. */
  proofs?: ProofIndex;
  /** The rollup to bring up to date before a stats export; without it the stats are read as they are. */
  rollup?: RollupStore;
}

/** The export job reading the given stats (a test's own Analytics table, or a generator) and snapshots. */
export const exportJobOver = (stats: StatsReader, extras: ExportExtras = {}) =>
  createExportJob({
    stats: statsRowSource(stats),
    snapshots: snapshotRowSource(extras.snapshots ?? noSnapshots),
    proofs: extras.proofs ?? noProofs,
    ...(extras.rollup ? { rollup: extras.rollup } : {}),
  });

/** Queues an on-demand export and runs it through the shared lifecycle, as the handler would. */
export async function runExport(deps: JobDependencies, stats: StatsReader, params: Record<string, unknown>, extras: ExportExtras & { triggeredBy?: string } = {}): Promise<JobRecord> {
  const queued = await deps.ledger.enqueue(newJob({ type: 'export', params, ...(extras.triggeredBy ? { triggeredBy: extras.triggeredBy } : {}) }, deps.clock));
  return executeRun(exportJobOver(stats, extras), queued, deps, { remainingMs: 900_000, marginMs: 5_000 });
}

export interface ExportedRow extends ExpectedTotals {
  day: string;
  metric: string;
  dims: Record<string, string>;
  avg: number;
}

/** The export's object read back: CSV through csv-parse (empty cells are absent dims), or JSON. */
export async function readExport(artifacts: ArtifactStore, key: string, groupBy: readonly string[]): Promise<ExportedRow[]> {
  const text = await artifacts.getText(key);
  if (key.endsWith('.json')) return JSON.parse(text) as ExportedRow[];
  const records = parse(text, { columns: true, record_delimiter: '\r\n' }) as Record<string, string>[];
  return records.map((record) => ({
    day: record['day'] ?? '',
    metric: record['metric'] ?? '',
    dims: Object.fromEntries(groupBy.flatMap((name) => (record[name] ? [[name, record[name]]] : []))),
    count: Number(record['count']),
    sum: Number(record['sum']),
    min: Number(record['min']),
    max: Number(record['max']),
    avg: Number(record['avg']),
  }));
}

/**
 * The rows an export must hold, folded the plain way from per-(metric, day, dims) totals keyed
 * `metric|day|{dims json}`: by day, then metric in the given order, then group.
 */
export function expectedExport(expected: Map<string, ExpectedTotals>, options: { days: readonly string[]; metrics: readonly string[]; groupBy: readonly string[] }): ExportedRow[] {
  const folded = new Map<string, ExportedRow>();
  for (const [key, totals] of expected) {
    const [metric = '', day = '', dimsJson = '{}'] = key.split('|');
    if (!options.metrics.includes(metric) || !options.days.includes(day)) continue;
    const all = JSON.parse(dimsJson) as Record<string, string>;
    const dims = Object.fromEntries(options.groupBy.flatMap((name) => (all[name] === undefined ? [] : [[name, all[name]]])));
    // Sorted like the export: day, metric in plan order, then the group's values (absent first).
    const id = [day, String(options.metrics.indexOf(metric)).padStart(3, '0'), ...options.groupBy.map((name) => dims[name] ?? '\u0000')].join('\u0001');
    const row = folded.get(id);
    if (!row) folded.set(id, { day, metric, dims, ...totals, avg: 0 });
    else {
      row.count += totals.count;
      row.sum += totals.sum;
      row.min = Math.min(row.min, totals.min);
      row.max = Math.max(row.max, totals.max);
    }
  }
  return [...folded.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([, row]) => ({ ...row, avg: row.sum / row.count }));
}
