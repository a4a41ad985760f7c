import { ulid } from 'ulid';
import type { NightshiftConfig } from '../config';
import { describeError } from '../errors';
import type { JobDependencies } from '../jobs/definition';
import { requestDebounced, type DebounceOutcome } from '../jobs/debounce';
import { checkEvent, type ValidEvent } from './metric-event';
import type { RawEvent } from './events-body';
import { NoValidEventsError, type RejectedEvent } from './errors';
import { writeEventObjects } from './event-objects';

export interface IngestResult {
  accepted: number;
  rejected: RejectedEvent[];
  /** The objects written, one per UTC hour the valid events fall in. */
  objects: string[];
  /** What became of the debounced rollup this ingest asked for. */
  rollup: DebounceOutcome | 'not_requested';
}

export type IngestDependencies = Pick<JobDependencies, 'artifacts' | 'clock' | 'config' | 'invoker' | 'logger' | 'debounce'>;

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
 * one request id) and then asks for a debounced rollup. The objects are written before the
 * request, so the debounced run, which clears its mark before reading, always sees them. A
 * failed rollup request does not fail the ingest: the events are stored, and the hourly rollup
 * absorbs them.
 */
export async function ingestEvents(deps: IngestDependencies, raw: readonly RawEvent[]): Promise<IngestResult> {
  const now = deps.clock.now();
  const { valid, rejected } = sortEvents(raw, deps.config, now.getTime());
  if (valid.length === 0) throw new NoValidEventsError(rejected);
  const objects = await writeEventObjects(deps.artifacts, valid, ulid(now.getTime()));
  let rollup: IngestResult['rollup'] = 'not_requested';
  if (deps.debounce) {
    try {
      rollup = await requestDebounced({ ...deps, debounce: deps.debounce }, 'rollup', deps.config.rollup.debounceMs);
    } catch (error) {
      deps.logger.warn('could not request a debounced rollup; the hourly run will absorb these events', { objects, ...describeError(error) });
    }
  }
  return { accepted: valid.length, rejected, objects, rollup };
}
