import { checkEvent } from '../../core/events/metric-event';
import { dimsKeyOf } from '../../core/rollup/groups';
import { localDay, periodContaining } from '../../core/time/periods';
import { BytesMemo } from './bytes-memo';

const HOUR_MS = 3_600_000;
/** Hours remembered at once; a run's objects usually sit in a few dozen. */
const MAX_HOURS = 4096;
/** Raw dims bytes remembered before the memo starts over (bounds memory on wild data). */
const MAX_RAW_DIMS_BYTES = 4_000_000;

/** Lets checkEvent judge everything but metric membership, which the rollup counts apart. */
class AnyMetric extends Set<string> {
  override has(): boolean {
    return true;
  }
}
export const ANY_METRIC: ReadonlySet<string> = new AnyMetric();
export const NO_FUTURE_LIMIT = Number.POSITIVE_INFINITY;
/** A time checkEvent accepts, to validate a dims object on its own. */
const VALID_TS = '2000-01-01T00:00:00Z';

/** The local days a UTC hour touches: one, or two when a local midnight falls inside it. */
export interface HourDays {
  first: string;
  final: string;
  /** The local midnight inside this UTC hour; +Infinity when the hour is all one local day. */
  boundaryMs: number;
}

/**
 * What reading event text teaches that holds for every object of a rollup run: the kept-dims key
 * of each exact dims text (or that it is refused), and the local days of each UTC hour. Every
 * object gets its own LineAggregator, so without this each 500-event object would judge again
 * (JSON.parse + checkEvent) the hundred-odd dims texts the object before it already judged, and
 * ask the zone's rules again for the same hours: most of a small object's parse time.
 * Judgements depend only on the zone and the kept dimensions, never on an object.
 */
export class RunJudgements {
  private readonly hours = new Map<number, HourDays>();
  /** Each dims text judged: its kept-dims key, or null when checkEvent refuses it. */
  private readonly dims = new BytesMemo<string | null>(MAX_RAW_DIMS_BYTES);
  /** Dims texts judged by JSON.parse + checkEvent so far; for tests and benchmarks. */
  textsJudged = 0;

  constructor(
    readonly timezone: string,
    readonly keptDimensions: readonly string[],
  ) {}

  /** The local days of the UTC hour `hour` (ms / 3,600,000), from the zone's rules once per hour. */
  hourDays(hour: number): HourDays {
    const known = this.hours.get(hour);
    if (known !== undefined) return known;
    const startMs = hour * HOUR_MS;
    const lastMs = startMs + HOUR_MS - 1;
    const first = localDay(new Date(startMs), this.timezone);
    const final = localDay(new Date(lastMs), this.timezone);
    const days: HourDays =
      first === final
        ? { first, final, boundaryMs: Number.POSITIVE_INFINITY }
        : { first, final, boundaryMs: periodContaining('day', new Date(lastMs), { timezone: this.timezone, weekStartsOn: 'monday' }).start.getTime() };
    if (this.hours.size >= MAX_HOURS) this.hours.clear();
    this.hours.set(hour, days);
    return days;
  }

  /** The kept-dims key of the dims text `buf[start, end)` as checkEvent would judge it, or null when it is refused. */
  dimsKeyOfText(buf: Uint8Array, start: number, end: number, hash: number): string | null {
    const judged = this.dims.find(buf, start, end, hash);
    if (judged !== undefined) return judged.value;
    const dimsKey = this.judge(Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength).toString('utf8', start, end));
    this.dims.remember(buf, start, end, hash, dimsKey);
    return dimsKey;
  }

  private judge(text: string): string | null {
    this.textsJudged += 1;
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      return null;
    }
    const check = checkEvent({ metric: 'm', ts: VALID_TS, dims: parsed }, { knownMetrics: ANY_METRIC, nowMs: NO_FUTURE_LIMIT });
    return check.ok ? dimsKeyOf(check.event.dims, this.keptDimensions) : null;
  }
}
