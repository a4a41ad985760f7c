import type { RunJudgements } from './run-judgements';

const HOUR_MS = 3_600_000;
/** Hours remembered at once; an object's events usually sit in one or two. */
const MAX_HOURS = 4096;

interface HourDayIndexes {
  hour: number;
  before: number;
  after: number;
  /** The local midnight inside this UTC hour; +Infinity when the hour is all one local day. */
  boundaryMs: number;
}

/**
 * The local day of an instant, as an index handed out by `intern`. The zone's rules are asked
 * once per UTC hour (through the run's judgements, so once per run); every event then costs a
 * comparison. A local day can start inside a UTC hour (half-hour zones such as Asia/Kolkata), so
 * each hour keeps its exact boundary.
 */
export class LocalDayCache {
  private readonly hours = new Map<number, HourDayIndexes>();
  private last: HourDayIndexes = { hour: Number.NaN, before: -1, after: -1, boundaryMs: 0 };

  constructor(
    private readonly judgements: RunJudgements,
    private readonly intern: (day: string) => number,
  ) {}

  dayIndexOf(ms: number): number {
    const hour = Math.floor(ms / HOUR_MS);
    let entry = this.last;
    if (entry.hour !== hour) {
      entry = this.hours.get(hour) ?? this.learn(hour);
      this.last = entry;
    }
    return ms < entry.boundaryMs ? entry.before : entry.after;
  }

  private learn(hour: number): HourDayIndexes {
    const { first, final, boundaryMs } = this.judgements.hourDays(hour);
    const entry: HourDayIndexes = { hour, before: this.intern(first), after: this.intern(final), boundaryMs };
    if (this.hours.size >= MAX_HOURS) this.hours.clear();
    this.hours.set(hour, entry);
    return entry;
  }
}
