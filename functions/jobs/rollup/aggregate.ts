import { pipeline, Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { UnreadableObjectError } from '../../core/rollup/errors';
import { mergeGroup, type GroupTotals } from '../../core/rollup/groups';
import { LineAggregator, type AggregateOptions } from './line-aggregator';

export type { GroupTotals } from '../../core/rollup/groups';

/**
 * What one object (or several, merged) adds to the stats. `groups` is keyed
 * `${localDay}\u0001${metric}\u0001${dimsKey}`, where dimsKey is the kept dims sorted by name,
 * `name=value` joined by `\u0002` ('' when none). `bytes` counts the compressed bytes read.
 */
export interface ObjectContribution {
  groups: Map<string, GroupTotals>;
  lines: number;
  events: number;
  malformed: number;
  unknownMetric: number;
  bytes: number;
}

/** Longer lines are not events ingest could have written; they count as one malformed line. */
const MAX_LINE_BYTES = 1024 * 1024;
/** Fewer, larger chunks out of gunzip: less per-chunk overhead in the line loop. */
const GUNZIP_CHUNK_BYTES = 128 * 1024;

export function newContribution(): ObjectContribution {
  return { groups: new Map(), lines: 0, events: 0, malformed: 0, unknownMetric: 0, bytes: 0 };
}

/**
 * Streams one object (gunzipped on the fly when `gzipped`), line by line, into `into` (or a new
 * contribution). Memory stays constant: one chunk, one partial line and the groups. Malformed
 * lines and unknown metrics are counted, never thrown. An object that cannot be read whole is an
 * `UnreadableObjectError` and adds nothing to `into` but the bytes it read: a gzip stream that is corrupt or breaks off,
 * binary data (a NUL byte, which no NDJSON text holds), or lines none of which is an event. Read
 * failures of the store are thrown as they are.
 */
export async function aggregateObject(
  body: AsyncIterable<Uint8Array>,
  gzipped: boolean,
  options: AggregateOptions,
  into: ObjectContribution = newContribution(),
): Promise<ObjectContribution> {
  const aggregator = new LineAggregator(options);
  const counter = { bytes: 0 };
  const source = countBytes(body, counter);
  const chunks: AsyncIterable<Uint8Array> = gzipped ? gunzip(source) : source;
  const splitter = new LineSplitter(aggregator);
  let textBytes = 0;
  try {
    for await (const chunk of chunks) {
      const buffer = toBuffer(chunk);
      const nul = buffer.indexOf(0);
      if (nul >= 0) throw new UnreadableObjectError(`binary data (a NUL byte at byte ${textBytes + nul}${gzipped ? ' of the gunzipped text' : ''}): not NDJSON text`);
      textBytes += buffer.length;
      splitter.push(buffer);
    }
    splitter.end();
  } catch (error) {
    if (isZlibError(error)) throw new UnreadableObjectError(`gzip data is corrupt or cut short after ${textBytes} bytes of text (${(error as Error).message})`, { cause: error });
    throw error;
  } finally {
    into.bytes += counter.bytes;
  }
  if (aggregator.lines > 0 && aggregator.malformed === aggregator.lines) {
    throw new UnreadableObjectError(`none of its ${aggregator.lines} lines is a metric event (is it NDJSON?)`);
  }
  aggregator.flushInto(into.groups);
  into.lines += aggregator.lines;
  into.events += aggregator.events;
  into.malformed += aggregator.malformed;
  into.unknownMetric += aggregator.unknownMetric;
  return into;
}

export function mergeContribution(into: ObjectContribution, from: ObjectContribution): void {
  for (const [key, totals] of from.groups) mergeGroup(into.groups, key, totals);
  into.lines += from.lines;
  into.events += from.events;
  into.malformed += from.malformed;
  into.unknownMetric += from.unknownMetric;
  into.bytes += from.bytes;
}

/** Cuts chunks into lines without decoding them; a line split across chunks is stitched once. */
export class LineSplitter {
  private carry: Buffer[] = [];
  private carryBytes = 0;
  /** Past MAX_LINE_BYTES: drop bytes until the next newline. */
  private skipping = false;

  constructor(private readonly aggregator: LineAggregator) {}

  push(chunk: Buffer): void {
    let pos = 0;
    if (this.carryBytes > 0 || this.skipping) {
      const newline = chunk.indexOf(10);
      if (newline < 0) {
        this.hold(chunk);
        return;
      }
      this.hold(chunk.subarray(0, newline));
      this.flushCarry();
      pos = newline + 1;
    }
    const aggregator = this.aggregator;
    for (let newline = chunk.indexOf(10, pos); newline >= 0; newline = chunk.indexOf(10, pos)) {
      aggregator.addLine(chunk, pos, newline);
      pos = newline + 1;
    }
    if (pos < chunk.length) this.hold(chunk.subarray(pos));
  }

  end(): void {
    if (this.carryBytes > 0 || this.skipping) this.flushCarry();
  }

  private hold(piece: Buffer): void {
    if (this.skipping) return;
    if (this.carryBytes + piece.length > MAX_LINE_BYTES) {
      this.skipping = true;
      this.carry = [];
      this.carryBytes = 0;
      return;
    }
    // A copy: the piece may be a view of a chunk the stream reuses.
    this.carry.push(Buffer.from(piece));
    this.carryBytes += piece.length;
  }

  private flushCarry(): void {
    if (this.skipping) {
      this.aggregator.lines += 1;
      this.aggregator.malformed += 1;
    } else {
      const line = this.carry.length === 1 ? (this.carry[0] ?? Buffer.alloc(0)) : Buffer.concat(this.carry, this.carryBytes);
      this.aggregator.addLine(line, 0, line.length);
    }
    this.skipping = false;
    this.carry = [];
    this.carryBytes = 0;
  }
}

/** A pipeline, not pipe(): a failing source must fail the gunzip stream instead of stalling it. */
function gunzip(source: AsyncIterable<Uint8Array>): AsyncIterable<Uint8Array> {
  const inflate = createGunzip({ chunkSize: GUNZIP_CHUNK_BYTES });
  pipeline(Readable.from(source, { objectMode: false }), inflate, () => undefined);
  return inflate;
}

async function* countBytes(body: AsyncIterable<Uint8Array>, counter: { bytes: number }): AsyncGenerator<Uint8Array> {
  for await (const chunk of body) {
    counter.bytes += chunk.byteLength;
    yield chunk;
  }
}

function toBuffer(chunk: Uint8Array | string): Buffer {
  if (Buffer.isBuffer(chunk)) return chunk;
  if (typeof chunk === 'string') return Buffer.from(chunk, 'utf8');
  return Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
}

/** zlib's own failures (corrupt or truncated data) carry a `Z_…` code; read failures do not. */
function isZlibError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('Z_');
}
