import { DateTime, IANAZone } from 'luxon';
import { InvalidTimeZoneError } from '../errors';

const MINUTE_MS = 60_000;
const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;
// Real UTC offsets lie within -12h..+14h, so every instant that shows a given wall-clock time
// lies within this distance of that wall time read as if it were UTC.
const REACH_MS = 18 * HOUR_MS;

export interface LocalDate {
  year: number;
  month: number;
  day: number;
}

export interface Transition {
  /** First instant with the new offset. */
  at: number;
  /** Offsets in minutes east of UTC. */
  offsetBefore: number;
  offsetAfter: number;
}

/**
 * Wall clock ↔ instant conversions for one IANA zone, using luxon's zone data (offsets are
 * looked up, never computed). Luxon's own wall-clock → instant resolves an ambiguous time to the
 * LATER occurrence and silently moves a nonexistent one forward; EventBridge needs "skip" and
 * "first occurrence", so we enumerate occurrences ourselves.
 */
export class ZoneClock {
  readonly zone: IANAZone;
  private readonly stableDays = new Map<string, number | null>();

  constructor(readonly timezone: string) {
    const zone = IANAZone.create(timezone);
    if (!zone.isValid) throw new InvalidTimeZoneError(timezone);
    this.zone = zone;
  }

  offset(ms: number): number {
    return this.zone.offset(ms);
  }

  /**
   * The offset in force for the whole local day, or null when a transition may touch it.
   * Cached because cron iteration resolves many slots of the same day.
   */
  private stableOffset(year: number, month: number, day: number): number | null {
    const key = `${year}-${month}-${day}`;
    const cached = this.stableDays.get(key);
    if (cached !== undefined) return cached;
    const midnight = Date.UTC(year, month - 1, day);
    const samples = [midnight - REACH_MS, midnight + DAY_MS / 2, midnight + DAY_MS + REACH_MS].map((t) => this.offset(t));
    const stable = samples.every((o) => o === samples[0]) ? (samples[0] ?? null) : null;
    if (this.stableDays.size > 5000) this.stableDays.clear();
    this.stableDays.set(key, stable);
    return stable;
  }

  /**
   * Every instant (ms) at which the zone's clock shows this wall time, ascending: none in a
   * spring-forward gap, two in a fall-back overlap, otherwise one.
   */
  occurrences(year: number, month: number, day: number, hour: number, minute: number, second = 0): number[] {
    const wall = Date.UTC(year, month - 1, day, hour, minute, second);
    const stable = this.stableOffset(year, month, day);
    if (stable !== null) return [wall - stable * MINUTE_MS];
    const offsets = new Set([wall - REACH_MS, wall, wall + REACH_MS].map((t) => this.offset(t)));
    const found = new Set<number>();
    for (const o of offsets) {
      const candidate = wall - o * MINUTE_MS;
      if (this.offset(candidate) === o) found.add(candidate);
    }
    return [...found].sort((a, b) => a - b);
  }

  localDate(ms: number): LocalDate {
    const local = DateTime.fromMillis(ms, { zone: this.zone });
    return { year: local.year, month: local.month, day: local.day };
  }

  /** ISO local date-time with offset, for messages. */
  format(ms: number, pattern: string): string {
    return DateTime.fromMillis(ms, { zone: this.zone }).toFormat(pattern);
  }

  /**
   * Offset changes in (from, to]. Sampling every 6 hours cannot miss a real DST change (they
   * are months apart); each change is then pinned down to the millisecond by bisection.
   */
  transitions(from: number, to: number): Transition[] {
    const step = 6 * HOUR_MS;
    const found: Transition[] = [];
    let previousTime = from;
    let previousOffset = this.offset(from);
    while (previousTime < to) {
      const t = Math.min(previousTime + step, to);
      const offset = this.offset(t);
      if (offset !== previousOffset) {
        let lo = previousTime;
        let hi = t;
        while (hi - lo > 1) {
          const mid = Math.floor((lo + hi) / 2);
          if (this.offset(mid) === previousOffset) lo = mid;
          else hi = mid;
        }
        found.push({ at: hi, offsetBefore: previousOffset, offsetAfter: offset });
      }
      previousTime = t;
      previousOffset = offset;
    }
    return found;
  }
}
