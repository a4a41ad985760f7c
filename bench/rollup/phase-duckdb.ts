import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { secondsSince } from './lanes';
import type { DuckDbResult, GroupRow } from './shared';

/**
 * How the local day is computed (with ICU): `strftime` formats the zoned timestamp as text per
 * row; `zoned-cast` casts it to a DATE; `session-cast` casts the TIMESTAMPTZ to a DATE in the
 * session's zone (SET TimeZone). The casts group by a 4-byte date and format only the groups.
 */
export const DUCKDB_FORMULATIONS = ['strftime', 'zoned-cast', 'session-cast'] as const;
export type DuckDbFormulation = (typeof DUCKDB_FORMULATIONS)[number];

export interface DuckDbInput {
  formulation: DuckDbFormulation;
  files: string[];
  timezone: string;
  /** DuckDB's worker threads; undefined leaves its default (one per core). */
  threads: number | undefined;
  /** The UTC bounds of each local day, for grouping without ICU (only used if ICU is missing). */
  dayBounds: Array<{ day: string; startIso: string; endIso: string }>;
}

function quote(text: string): string {
  return `'${text.replace(/'/g, "''")}'`;
}

/** ICU (time zones) ships inside the Node bindings' DuckDB; `LOAD` covers a build where it is separate but installed. */
async function icuAvailable(connection: DuckDBConnection): Promise<boolean> {
  const loaded = await connection.runAndReadAll("SELECT count(*)::INTEGER AS n FROM duckdb_extensions() WHERE extension_name = 'icu' AND loaded");
  if (Number(loaded.getRowsJS()[0]?.[0]) > 0) return true;
  try {
    await connection.run('LOAD icu');
    return true;
  } catch {
    return false;
  }
}

/** The same GROUP BY as the rollup: local day, metric, store, channel → count, sum, min, max. */
function groupBySql(input: DuckDbInput, icu: boolean): string {
  const source = `read_ndjson([${input.files.map(quote).join(', ')}],
      columns = {metric: 'VARCHAR', ts: 'TIMESTAMPTZ', value: 'DOUBLE', dims: 'STRUCT(store VARCHAR, channel VARCHAR)'},
      compression = 'gzip')`;
  const aggregates = 'count(*)::INTEGER AS count, sum(value) AS sum, min(value) AS min, max(value) AS max';
  if (icu) {
    if (input.formulation === 'strftime') {
      return `SELECT strftime(timezone(${quote(input.timezone)}, ts), '%Y-%m-%d') AS day, metric, dims.store AS store, dims.channel AS channel, ${aggregates}
      FROM ${source} GROUP BY ALL`;
    }
    const date = input.formulation === 'zoned-cast' ? `CAST(timezone(${quote(input.timezone)}, ts) AS DATE)` : 'CAST(ts AS DATE)';
    return `SELECT CAST(day AS VARCHAR) AS day, metric, store, channel, count, sum, min, max FROM (
      SELECT ${date} AS day, metric, dims.store AS store, dims.channel AS channel, ${aggregates}
      FROM ${source} GROUP BY ALL)`;
  }
  // Without ICU: each local day's UTC bounds come from the project's time module (DST-correct).
  const bounds = input.dayBounds.map((b) => `(${quote(b.day)}, ${quote(b.startIso)}::TIMESTAMPTZ, ${quote(b.endIso)}::TIMESTAMPTZ)`).join(', ');
  return `WITH bounds(day, lo, hi) AS (VALUES ${bounds})
    SELECT b.day AS day, e.metric AS metric, e.dims.store AS store, e.dims.channel AS channel, ${aggregates}
    FROM ${source} e JOIN bounds b ON e.ts >= b.lo AND e.ts < b.hi GROUP BY ALL`;
}

function toGroupRow(row: Record<string, unknown>): GroupRow {
  const text = (name: string): string => {
    const value = row[name];
    if (typeof value !== 'string') throw new Error(`DuckDB row has no text ${name}: ${JSON.stringify(row)}`);
    return value;
  };
  const number = (name: string): number => {
    const value = row[name];
    if (typeof value !== 'number') throw new Error(`DuckDB row has no number ${name}: ${JSON.stringify(row)}`);
    return value;
  };
  return {
    day: text('day'),
    metric: text('metric'),
    store: text('store'),
    channel: text('channel'),
    count: number('count'),
    sum: number('sum'),
    min: number('min'),
    max: number('max'),
  };
}

/** DuckDB reading the same gzip files end to end: instance, ICU check, read, group, results. */
export async function runDuckDb(input: DuckDbInput): Promise<DuckDbResult> {
  const started = performance.now();
  const instance = await DuckDBInstance.create(':memory:', {
    // Offline: never try to download an extension.
    autoinstall_known_extensions: 'false',
    ...(input.threads !== undefined ? { threads: String(input.threads) } : {}),
  });
  const connection = await instance.connect();
  try {
    const icu = await icuAvailable(connection);
    if (icu) await connection.run(`SET TimeZone = ${quote(input.timezone)}`);
    const reader = await connection.runAndReadAll(groupBySql(input, icu));
    const groups = reader.getRowObjectsJS().map((row) => toGroupRow(row as Record<string, unknown>));
    const seconds = secondsSince(started);
    const settings = await connection.runAndReadAll("SELECT version() AS version, current_setting('threads')::INTEGER AS threads");
    const [version, threads] = (settings.getRowsJS()[0] ?? []) as [string?, number?];
    return {
      groups,
      events: groups.reduce((total, group) => total + group.count, 0),
      seconds,
      mode: `read_ndjson over all ${input.files.length} files, ${String(threads)} thread${Number(threads) === 1 ? '' : 's'}`,
      version: String(version),
      threads: Number(threads),
      dayMethod: icu ? dayMethodOf(input) : 'no ICU: UTC bounds of each local day (range join)',
      formulation: input.formulation,
    };
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

function dayMethodOf(input: DuckDbInput): string {
  switch (input.formulation) {
    case 'strftime':
      return `strftime(timezone('${input.timezone}', ts), '%Y-%m-%d')`;
    case 'zoned-cast':
      return `CAST(timezone('${input.timezone}', ts) AS DATE)`;
    case 'session-cast':
      return `CAST(ts AS DATE), SET TimeZone = '${input.timezone}'`;
  }
}
