import type { NightshiftConfig } from '../../core/config';
import type { ArtifactStore, Clock, StoredObject } from '../../core/jobs/ports';
import type { Logger } from '../../core/jobs/logger';
import type { HourContribution, HourKey, NewContribution, RollupStore } from '../../core/rollup/ports';
import { mapConcurrent } from '../../core/map-concurrent';
import { ArtifactNotFoundError, StorageError } from '../../core/storage/errors';
import { UnreadableObjectError } from '../../core/rollup/errors';
import { errorFields } from '../../core/errors';
import { aggregateObject, newContribution, type ObjectContribution } from './aggregate';
import type { AggregateOptions } from './line-aggregator';
import { RunJudgements } from './run-judgements';
import { hourPrefix } from './hours';
import type { PhaseTimings } from './phase-timings';

export interface ObjectToRead {
  hour: HourKey;
  object: StoredObject;
}

export interface ScanResult {
  toRead: ObjectToRead[];
  listed: number;
  skipped: number;
}

/** An object that contributes nothing because it cannot be read whole; kept until its ETag changes. */
export interface RefusedObject {
  key: string;
  size: number;
  reason: string;
}

export interface AbsorbTotals {
  objectsRead: number;
  /** Recorded as refused (unreadable or too large): named in `refused`, not read again until changed. */
  objectsRefused: number;
  refused: RefusedObject[];
  objectsFailed: number;
  /** Left for the next run because the deadline came close. */
  objectsLeft: number;
  /** Hours with an object failed or left: not done, so whatever marks them stays. */
  unfinishedHours: Set<HourKey>;
  bytesRead: number;
  lines: number;
  events: number;
  malformedLines: number;
  unknownMetricLines: number;
}

/** What a run that lists and absorbs is handed (a whole rollup, or one partition of one). */
export interface AbsorbingRunInput {
  store: RollupStore;
  artifacts: ArtifactStore;
  config: NightshiftConfig;
  clock: Clock;
  log: Logger;
  signal: AbortSignal;
  deadline: Date;
  /** The run's id, kept on each contribution it absorbs. */
  jobId: string;
}

/** What listing and absorbing did, as a run's summary (a whole rollup's or a partition's) reports it. */
export interface AbsorbReport {
  objectsListed: number;
  objectsRead: number;
  /** Objects that cannot be read whole (or are over the size cap): they count for nothing. */
  objectsRefused: number;
  /** The first few refused objects: key, size and why. */
  refusedObjects: RefusedObject[];
  objectsSkipped: number;
  objectsFailed: number;
  objectsLeft: number;
  bytesRead: number;
  lines: number;
  events: number;
  malformedLines: number;
  unknownMetricLines: number;
}

/** Refused objects listed in a summary; the count says how many there were in all. */
const MAX_LISTED_REFUSED = 20;

export function absorbReport(scan: Pick<ScanResult, 'listed' | 'skipped'>, absorbed: AbsorbTotals): AbsorbReport {
  return {
    objectsListed: scan.listed,
    objectsRead: absorbed.objectsRead,
    objectsRefused: absorbed.objectsRefused,
    refusedObjects: absorbed.refused.slice(0, MAX_LISTED_REFUSED),
    objectsSkipped: scan.skipped,
    objectsFailed: absorbed.objectsFailed,
    objectsLeft: absorbed.objectsLeft,
    bytesRead: absorbed.bytesRead,
    lines: absorbed.lines,
    events: absorbed.events,
    malformedLines: absorbed.malformedLines,
    unknownMetricLines: absorbed.unknownMetricLines,
  };
}

/** The rollup's options for reading event objects, from the config: one per run, its objects sharing what they learn. */
export function aggregateOptions(config: NightshiftConfig): AggregateOptions {
  return {
    timezone: config.timezone,
    metrics: new Set(Object.keys(config.metrics)),
    keptDimensions: config.dimensions,
    judgements: new RunJudgements(config.timezone, config.dimensions),
  };
}

const LISTING_CONCURRENCY = 8;
/**
 * Objects read at once: a GET is a round trip, the parse a few hundred microseconds of CPU, so
 * enough must be in flight to keep the CPU busy while the rest wait on the store.
 */
const READING_CONCURRENCY = 16;
/** Objects absorbed by one store write (a few batch requests): the absorb writes stay off the per-object path. */
const ABSORB_BATCH = 50;
/** Absorb writes in flight while reading goes on; more waits, so memory stays bounded. */
const ABSORB_WRITES_AT_ONCE = 2;

/** Lists each hour's partition and keeps the objects it has not absorbed under the same ETag. */
export async function scanHours(store: RollupStore, artifacts: ArtifactStore, hours: readonly HourKey[], signal: AbortSignal): Promise<ScanResult> {
  const result: ScanResult = { toRead: [], listed: 0, skipped: 0 };
  const perHour = await mapConcurrent(hours, LISTING_CONCURRENCY, async (hour) => {
    signal.throwIfAborted();
    const objects: StoredObject[] = [];
    // Folder placeholders some tools create are not event objects.
    for await (const object of artifacts.list(hourPrefix(hour))) if (!object.key.endsWith('/')) objects.push(object);
    if (objects.length === 0) return { hour, objects, absorbed: new Map<string, string>() };
    return { hour, objects, absorbed: await store.absorbedObjects(hour) };
  });
  for (const { hour, objects, absorbed } of perHour) {
    result.listed += objects.length;
    for (const object of objects) {
      if (absorbed.get(object.key) === object.etag) result.skipped += 1;
      else result.toRead.push({ hour, object });
    }
  }
  return result;
}

/**
 * Reads each object once and stores its contribution with a pending mark for its hour, in
 * batches (`RollupStore.absorb`). Stops starting new objects once `keepGoing` says no (the
 * deadline is near); what is left waits for the next run. An object the store failed to deliver
 * (vanished, throttled) is counted and retried next run; one that cannot be read whole, or is
 * larger than `maxObjectBytes`, is absorbed as refused (no groups, the reason kept): it
 * contributes nothing, replaces what an earlier version of it contributed, and is not read again
 * until its ETag changes. Totals count an object once its batch is stored.
 */
export async function absorbObjects(input: {
  store: RollupStore;
  artifacts: ArtifactStore;
  objects: readonly ObjectToRead[];
  options: AggregateOptions;
  maxObjectBytes: number;
  jobId: string;
  now: () => Date;
  keepGoing: () => boolean;
  signal: AbortSignal;
  log: Logger;
  timings: PhaseTimings;
}): Promise<AbsorbTotals> {
  const totals: AbsorbTotals = {
    objectsRead: 0,
    objectsRefused: 0,
    refused: [],
    objectsFailed: 0,
    objectsLeft: 0,
    unfinishedHours: new Set(),
    bytesRead: 0,
    lines: 0,
    events: 0,
    malformedLines: 0,
    unknownMetricLines: 0,
  };
  const writer = new AbsorbWriter(input.store, input.timings, (batch) => {
    for (const { contribution } of batch) countAbsorbed(totals, contribution, input.log);
  });
  await mapConcurrent(input.objects, READING_CONCURRENCY, async ({ hour, object }) => {
    input.signal.throwIfAborted();
    if (!input.keepGoing()) {
      totals.objectsLeft += 1;
      totals.unfinishedHours.add(hour);
      return;
    }
    let contribution: ObjectContribution;
    let refusal: string | undefined;
    try {
      if (object.size > input.maxObjectBytes) throw new UnreadableObjectError(`${object.size} bytes, more than rollup.maxObjectBytes (${input.maxObjectBytes})`);
      const [body, gzipped] = await input.timings.measure('get', () => openObject(input.artifacts, object.key));
      contribution = await input.timings.measure('parse', () => aggregateObject(body, gzipped, input.options));
    } catch (error) {
      if (error instanceof UnreadableObjectError) {
        refusal = error.reason;
        contribution = newContribution();
      } else {
        if (!(error instanceof StorageError)) throw error;
        totals.objectsFailed += 1;
        totals.unfinishedHours.add(hour);
        const level = error instanceof ArtifactNotFoundError ? 'info' : 'warn';
        input.log[level]('could not read an event object; the next run tries again', { key: object.key, ...errorFields(error) });
        return;
      }
    }
    input.signal.throwIfAborted();
    totals.bytesRead += contribution.bytes;
    await writer.add({
      hour,
      contribution: {
        ...contribution,
        key: object.key,
        etag: object.etag,
        size: object.size,
        absorbedAt: input.now().toISOString(),
        jobId: input.jobId,
        ...(refusal !== undefined ? { refused: refusal } : {}),
      },
    });
  });
  await writer.finish();
  return totals;
}

function countAbsorbed(totals: AbsorbTotals, contribution: NewContribution, log: Logger): void {
  if (contribution.refused !== undefined) {
    const refused = { key: contribution.key, size: contribution.size, reason: contribution.refused };
    totals.objectsRefused += 1;
    totals.refused.push(refused);
    log.warn('refused an event object that cannot be read whole; it counts for nothing until it is replaced', refused);
    return;
  }
  totals.objectsRead += 1;
  totals.lines += contribution.lines;
  totals.events += contribution.events;
  totals.malformedLines += contribution.malformed;
  totals.unknownMetricLines += contribution.unknownMetric;
}

/**
 * Collects contributions and stores them `ABSORB_BATCH` at a time, at most
 * `ABSORB_WRITES_AT_ONCE` batches in flight (`add` waits for room). A failed write fails the run
 * at the next `add` or at `finish`.
 */
class AbsorbWriter {
  private buffer: HourContribution[] = [];
  private readonly inFlight = new Set<Promise<void>>();
  private failure: { error: unknown } | undefined;

  constructor(
    private readonly store: RollupStore,
    private readonly timings: PhaseTimings,
    private readonly stored: (batch: readonly HourContribution[]) => void,
  ) {}

  async add(entry: HourContribution): Promise<void> {
    this.buffer.push(entry);
    if (this.buffer.length >= ABSORB_BATCH) this.flush();
    while (this.inFlight.size >= ABSORB_WRITES_AT_ONCE) await Promise.race(this.inFlight);
    this.throwIfFailed();
  }

  async finish(): Promise<void> {
    this.flush();
    await Promise.all(this.inFlight);
    this.throwIfFailed();
  }

  private flush(): void {
    if (this.buffer.length === 0) return;
    const batch = this.buffer;
    this.buffer = [];
    const write = this.timings
      .measure('absorbWrite', () => this.store.absorb(batch))
      .then(
        () => this.stored(batch),
        (error: unknown) => {
          this.failure ??= { error };
        },
      )
      .finally(() => this.inFlight.delete(write));
    this.inFlight.add(write);
  }

  private throwIfFailed(): void {
    if (this.failure) throw this.failure.error;
  }
}

/** The body, and whether it is gzip: told by its magic bytes, since other pipelines name files as they like. */
async function openObject(artifacts: ArtifactStore, key: string): Promise<[AsyncIterable<Uint8Array>, boolean]> {
  const iterator = (await artifacts.get(key))[Symbol.asyncIterator]();
  let first = await iterator.next();
  while (!first.done && first.value.byteLength === 0) first = await iterator.next();
  if (first.done) return [emptyBody(), false];
  const head = first.value;
  const gzipped = head[0] === 0x1f && (head.byteLength < 2 || head[1] === 0x8b);
  async function* body(): AsyncGenerator<Uint8Array> {
    yield head;
    for (let next = await iterator.next(); !next.done; next = await iterator.next()) yield next.value;
  }
  return [body(), gzipped];
}

async function* emptyBody(): AsyncGenerator<Uint8Array> {}
