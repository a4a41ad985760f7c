import { localDay, periodContaining } from '../../core/time/periods';

const HOUR_MS = 3_600_000;
/** Hours remembered at once; an object's events usually sit in one or two. */
const MAX_HOURS = 4096;

interface HourDays {
  hour: number;
  before: number;
  after: number;
  /** The local midnight inside this UTC hour; +Infinity when the hour is all one local day. */
  boundaryMs: number;
}

/**
 * The local day of an instant, as an index handed out by `intern`. The zone's rules come from
 * luxon once per UTC hour; every event then costs a comparison. A local day can start inside a
 * UTC hour (half-hour zones such as Asia/Kolkata), so each hour keeps its exact boundary.
 */
export class LocalDayCache {
  private readonly hours = new Map<number, HourDays>();
  private last: HourDays = { hour: Number.NaN, before: -1, after: -1, boundaryMs: 0 };

  constructor(
    private readonly timezone: string,
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

  private learn(hour: number): HourDays {
    const startMs = hour * HOUR_MS;
    const lastMs = startMs + HOUR_MS - 1;
    const first = localDay(new Date(startMs), this.timezone);
    const final = localDay(new Date(lastMs), this.timezone);
    const entry: HourDays =
      first === final
        ? { hour, before: this.intern(first), after: this.intern(first), boundaryMs: Number.POSITIVE_INFINITY }
        : {
            hour,
            before: this.intern(first),
            after: this.intern(final),
            boundaryMs: periodContaining('day', new Date(lastMs), { timezone: this.timezone, weekStartsOn: 'monday' }).start.getTime(),
          };
    if (this.hours.size >= MAX_HOURS) this.hours.clear();
    this.hours.set(hour, entry);
    return entry;
  }
}
