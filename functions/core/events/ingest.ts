import { ulid } from 'ulid';
import type { NightshiftConfig } from '../config';
import { errorFields } from '../errors';
import type { JobDependencies } from '../jobs/definition';
import { requestDebounced, type DebounceOutcome } from '../jobs/debounce';
import type { WrittenHours } from '../rollup/ports';
import { checkEvent, eventHourKey, type ValidEvent } from './metric-event';
import type { RawEvent } from './events-body';
import { NoValidEventsError, type RejectedEvent } from './errors';
import { eventObjectKeys, writeEventObjects } from './event-objects';

export interface IngestResult {
  accepted: number;
  rejected: RejectedEvent[];
  /** The objects written, one per UTC hour the valid events fall in. */
  objects: string[];
  /** What became of the debounced rollup this ingest asked for. */
  rollup: DebounceOutcome | 'not_requested';
}

export type IngestDependencies = Pick<JobDependencies, 'artifacts' | 'clock' | 'config' | 'invoker' | 'logger' | 'debounce'> & {
  /** Where the hours this ingest wrote are marked, for the next rollup to scan whatever their age. */
  writtenHours: WrittenHours;
};

/** Checks every event on its own; valid ones are kept whatever their neighbours are. */
export function sortEvents(raw: readonly RawEvent[], config: NightshiftConfig, nowMs: number): { valid: ValidEvent[]; rejected: RejectedEvent[] } {
  const context = { knownMetrics: new Set(Object.keys(config.metrics)), nowMs };
  const valid: ValidEvent[] = [];
  const rejected: RejectedEvent[] = [];
  raw.forEach((item, index) => {
    if (!item.ok) {
      rejected.push({ index, error: item.error });
      return;
    }
    const checked = checkEvent(item.value, context);
    if (checked.ok) valid.push(checked.event);
    else rejected.push({ index, error: checked.error });
  });
  return { valid, rejected };
}

/**
 * POST /events: stores the valid events (one gzip NDJSON object per UTC hour, all named after
 * one request id: `objectId` when the request has an Idempotency-Key, so a retry rewrites the same
 * objects instead of adding others), marks those hours written, and then asks for a debounced rollup. Objects, then
 * marks, then the request: the next rollup scans every marked hour whatever its age and reads
 * the marks before it lists, so it sees the objects; once this returns, every accepted event
 * will be counted. A failed rollup request does not fail the ingest: the marks stay, and the
 * next rollup (the hourly one at the latest) absorbs the events.
 */
export async function ingestEvents(deps: IngestDependencies, raw: readonly RawEvent[], options: { objectId?: string } = {}): Promise<IngestResult> {
  const now = deps.clock.now();
  const { valid, rejected } = sortEvents(raw, deps.config, now.getTime());
  if (valid.length === 0) throw new NoValidEventsError(rejected);
  const objects = await writeEventObjects(deps.artifacts, valid, options.objectId ?? ulid(now.getTime()));
  await deps.writtenHours.markWritten([...new Set(valid.map((event) => eventHourKey(event.tsMs)))], now);
  let rollup: IngestResult['rollup'] = 'not_requested';
  if (deps.debounce) {
    try {
      rollup = await requestDebounced({ ...deps, debounce: deps.debounce }, 'rollup', deps.config.rollup.debounceMs);
    } catch (error) {
      deps.logger.warn('could not request a debounced rollup; the hourly run will absorb these events', { objects, ...errorFields(error) });
    }
  }
  return { accepted: valid.length, rejected, objects, rollup };
}

/**
 * The answer an ingest of these events under `objectId` gave, without writing anything: what a
 * request repeated with its Idempotency-Key answers (same events, same keys).
 */
export function replayedIngest(deps: Pick<IngestDependencies, 'clock' | 'config'>, raw: readonly RawEvent[], objectId: string): Omit<IngestResult, 'rollup'> {
  const { valid, rejected } = sortEvents(raw, deps.config, deps.clock.now().getTime());
  return { accepted: valid.length, rejected, objects: eventObjectKeys(valid, objectId) };
}
