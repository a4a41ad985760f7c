import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import type { ArtifactStore } from '../jobs/ports';
import { eventHourPrefix, type ValidEvent } from './metric-event';

const gzipAsync = promisify(gzip);

/** Objects written at once by default; a request spanning weeks has hundreds of hours. */
const PUT_CONCURRENCY = 8;

export const EVENT_OBJECT_CONTENT_TYPE = 'application/gzip';

/**
 * One stored line, in the field order the rollup's fast path reads
 * (`{"metric","ts","value","dims"}`, compact), with the defaults filled in.
 */
export function eventLine(event: ValidEvent): string {
  return JSON.stringify({ metric: event.metric, ts: event.ts, value: event.value, dims: event.dims });
}

/** The key of one request's object in one UTC hour partition. */
const objectKey = (prefix: string, objectId: string): string => `${prefix}${objectId}.ndjson.gz`;

/** The lines of each UTC hour partition the events fall in (by prefix), in the order given. */
function linesByHour(events: readonly ValidEvent[]): Map<string, string[]> {
  const byHour = new Map<string, string[]>();
  for (const event of events) {
    const prefix = eventHourPrefix(event.tsMs);
    let lines = byHour.get(prefix);
    if (!lines) byHour.set(prefix, (lines = []));
    lines.push(eventLine(event));
  }
  return byHour;
}

/** The keys `writeEventObjects` writes these events to, sorted, without writing anything. */
export function eventObjectKeys(events: readonly ValidEvent[], objectId: string): string[] {
  return [...linesByHour(events).keys()].map((prefix) => objectKey(prefix, objectId)).sort();
}

/**
 * Writes events as one gzip NDJSON object per UTC hour they fall in,
 * `events/dt=YYYY-MM-DD/hour=HH/<objectId>.ndjson.gz`, lines in the order given. The objects are
 * plain gzip files (`application/gzip`, no Content-Encoding), so every S3 client downloads the
 * bytes the rollup reads. The same events under the same id give the same keys and bytes, so a
 * repeated write replaces an object with itself. Returns the keys, sorted.
 */
export async function writeEventObjects(
  artifacts: ArtifactStore,
  events: readonly ValidEvent[],
  objectId: string,
  concurrency = PUT_CONCURRENCY,
): Promise<string[]> {
  const hours = [...linesByHour(events).entries()];
  const keys: string[] = [];
  for (let start = 0; start < hours.length; start += concurrency) {
    await Promise.all(
      hours.slice(start, start + concurrency).map(async ([prefix, lines]) => {
        const key = objectKey(prefix, objectId);
        await artifacts.put(key, await gzipAsync(lines.join('\n') + '\n'), EVENT_OBJECT_CONTENT_TYPE);
        keys.push(key);
      }),
    );
  }
  return keys.sort();
}

const HOUR_PARTITION = /^events\/dt=(\d{4}-\d{2}-\d{2})\/hour=(\d{2})\//;

/**
 * The start of the earliest UTC hour holding an event object, or undefined when none is stored:
 * the first key under `events/` (keys sort by hour), so one listing request.
 */
export async function firstEventHour(artifacts: Pick<ArtifactStore, 'list'>): Promise<Date | undefined> {
  for await (const object of artifacts.list('events/')) {
    const match = HOUR_PARTITION.exec(object.key);
    if (match) return new Date(`${match[1]}T${match[2]}:00:00.000Z`);
  }
  return undefined;
}
