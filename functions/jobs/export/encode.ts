import { stringify } from 'csv-stringify/sync';
import type { ExportFormat } from './params';
import type { ExportRow } from './rows';

/** Rows encoded per chunk: large enough to amortise the stringifier, small enough to stream. */
const ROWS_PER_CHUNK = 500;

export interface EncodedExport {
  bytes: AsyncIterable<Uint8Array>;
  /** Rows written so far; final once `bytes` is exhausted. */
  readonly rows: number;
}

/**
 * The rows as the bytes of a CSV (RFC 4180: CRLF, quoting by csv-stringify, a header row) or a
 * JSON array, produced as they are read: nothing but one chunk of rows is held at a time.
 * Numbers are written as JavaScript's shortest round-trip form, never locale-formatted.
 */
export function encodeRows(rows: AsyncIterable<ExportRow>, format: ExportFormat, groupBy: readonly string[]): EncodedExport {
  const counter = { rows: 0 };
  const encoder = format === 'csv' ? csvChunks : jsonChunks;
  return {
    bytes: encoder(batches(rows, counter), groupBy),
    get rows() {
      return counter.rows;
    },
  };
}

async function* batches(rows: AsyncIterable<ExportRow>, counter: { rows: number }): AsyncGenerator<ExportRow[]> {
  let batch: ExportRow[] = [];
  for await (const row of rows) {
    batch.push(row);
    counter.rows += 1;
    if (batch.length >= ROWS_PER_CHUNK) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length > 0) yield batch;
}

export function csvColumns(groupBy: readonly string[]): string[] {
  return ['day', 'metric', ...groupBy, 'count', 'sum', 'min', 'max', 'avg'];
}

async function* csvChunks(batches: AsyncIterable<ExportRow[]>, groupBy: readonly string[]): AsyncGenerator<Uint8Array> {
  const options = { record_delimiter: 'windows', cast: { number: String } } as const;
  yield Buffer.from(stringify([csvColumns(groupBy)], options), 'utf8');
  for await (const batch of batches) {
    const records = batch.map((row) => [row.day, row.metric, ...groupBy.map((name) => row.dims[name] ?? ''), row.count, row.sum, row.min, row.max, row.sum / row.count]);
    yield Buffer.from(stringify(records, options), 'utf8');
  }
}

async function* jsonChunks(batches: AsyncIterable<ExportRow[]>): AsyncGenerator<Uint8Array> {
  let first = true;
  yield Buffer.from('[', 'utf8');
  for await (const batch of batches) {
    let text = '';
    for (const row of batch) {
      text += `${first ? '' : ','}\n${JSON.stringify({ ...row, avg: row.sum / row.count })}`;
      first = false;
    }
    yield Buffer.from(text, 'utf8');
  }
  yield Buffer.from(first ? ']\n' : '\n]\n', 'utf8');
}
