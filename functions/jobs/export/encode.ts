import { stringify } from 'csv-stringify/sync';
import type { ExportFormat } from './params';

/** Rows encoded per chunk: large enough to amortise the stringifier, small enough to stream. */
const ROWS_PER_CHUNK = 500;

export interface EncodedExport {
  bytes: AsyncIterable<Uint8Array>;
  /** Rows written so far; final once `bytes` is exhausted. */
  readonly rows: number;
}

/** How one kind of row is written: its CSV columns and cells, and its JSON object. */
export interface ExportShape<R> {
  columns: readonly string[];
  cells(row: R): ReadonlyArray<string | number>;
  json(row: R): unknown;
}

/**
 * The rows as the bytes of a CSV (RFC 4180: CRLF, quoting by csv-stringify, a header row) or a
 * JSON array, produced as they are read: nothing but one chunk of rows is held at a time.
 * Numbers are written as JavaScript's shortest round-trip form, never locale-formatted.
 */
export function encodeRows<R>(rows: AsyncIterable<R>, format: ExportFormat, shape: ExportShape<R>): EncodedExport {
  const counter = { rows: 0 };
  const chunks = batches(rows, counter);
  return {
    bytes: format === 'csv' ? csvChunks(chunks, shape) : jsonChunks(chunks, shape),
    get rows() {
      return counter.rows;
    },
  };
}

async function* batches<R>(rows: AsyncIterable<R>, counter: { rows: number }): AsyncGenerator<R[]> {
  let batch: R[] = [];
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

async function* csvChunks<R>(batches: AsyncIterable<R[]>, shape: ExportShape<R>): AsyncGenerator<Uint8Array> {
  const options = { record_delimiter: 'windows', cast: { number: String } } as const;
  yield Buffer.from(stringify([[...shape.columns]], options), 'utf8');
  for await (const batch of batches) yield Buffer.from(stringify(batch.map((row) => [...shape.cells(row)]), options), 'utf8');
}

async function* jsonChunks<R>(batches: AsyncIterable<R[]>, shape: ExportShape<R>): AsyncGenerator<Uint8Array> {
  let first = true;
  yield Buffer.from('[', 'utf8');
  for await (const batch of batches) {
    let text = '';
    for (const row of batch) {
      text += `${first ? '' : ','}\n${JSON.stringify(shape.json(row))}`;
      first = false;
    }
    yield Buffer.from(text, 'utf8');
  }
  yield Buffer.from(first ? ']\n' : '\n]\n', 'utf8');
}
