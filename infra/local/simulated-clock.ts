import { DateTime } from 'luxon';
import type { Clock } from '../../functions/core/jobs/ports';
import { systemClock } from '../../functions/adapters/clock';

/**
 * The local cloud's one clock: the runtime's (record timestamps, deadlines, leases, debounce),
 * the scheduler's, the invoker's and the HTTP adapter's. `working()` tells it a function is at
 * work (a run in a lane, an API request): a simulated clock slows to real speed meanwhile.
 */
export interface LocalClock extends Clock {
  /** Marks work in progress until the returned function is called. */
  working(): () => void;
  /** How the banner describes it; undefined for real time. */
  readonly simulation?: { start: Date; speed: number };
}

/** Real time, as `npm start` without `--clock` or `--speed` runs. */
export const realClock: LocalClock = { ...systemClock, working: () => () => undefined };

interface Timer {
  due: number;
  seq: number;
  callback: () => void;
}

/**
 * Simulated time for the local cloud (`--clock`, `--speed`). Starts at `start` and, while no
 * function is at work, runs `speed` times faster than real time (`Infinity`: jumps straight to
 * the next timer due). While any function works it runs at real speed, so a run keeps the time
 * its deadline gives it and its lease renewals keep up, however fast the nights in between pass.
 * Timers (`after`) are due on this clock's time and fire in due order; one real timer is armed
 * for the earliest, re-armed whenever the speed changes.
 */
export class SimulatedClock implements LocalClock {
  readonly simulation: { start: Date; speed: number };
  private simulatedAt: number;
  private realAt: number;
  private busy = 0;
  private sequence = 0;
  private readonly timers: Timer[] = [];
  private realTimer: NodeJS.Timeout | undefined;
  private jumpPending = false;

  constructor(
    start: Date,
    readonly speed: number,
    /** Real time in ms; injectable so a test can step it. */
    private readonly realNow: () => number = Date.now,
  ) {
    if (!(speed > 0)) throw new RangeError(`a simulated clock's speed must be above 0, not ${speed}`);
    this.simulation = { start, speed };
    this.simulatedAt = start.getTime();
    this.realAt = realNow();
  }

  now(): Date {
    return new Date(this.nowMs());
  }

  after(ms: number, callback: () => void): () => void {
    const timer: Timer = { due: this.nowMs() + Math.max(0, ms), seq: this.sequence++, callback };
    this.timers.push(timer);
    this.timers.sort((a, b) => a.due - b.due || a.seq - b.seq);
    this.arm();
    return () => {
      const index = this.timers.indexOf(timer);
      if (index >= 0) this.timers.splice(index, 1);
    };
  }

  working(): () => void {
    this.rebase();
    this.busy += 1;
    this.arm();
    let done = false;
    return () => {
      if (done) return;
      done = true;
      this.rebase();
      this.busy -= 1;
      this.arm();
    };
  }

  /** Resolves once the clock reads `at` (every timer due before it has fired). */
  reach(at: Date): Promise<void> {
    return new Promise((resolve) => this.after(at.getTime() - this.nowMs(), resolve));
  }

  /** Cancels every timer: nothing fires after this. */
  stop(): void {
    this.timers.length = 0;
    if (this.realTimer) clearTimeout(this.realTimer);
    this.realTimer = undefined;
  }

  private get rate(): number {
    if (this.busy > 0) return 1;
    return Number.isFinite(this.speed) ? this.speed : 0;
  }

  private nowMs(): number {
    return this.simulatedAt + (this.realNow() - this.realAt) * this.rate;
  }

  /** Starts counting from here, before the rate changes. */
  private rebase(): void {
    this.simulatedAt = this.nowMs();
    this.realAt = this.realNow();
  }

  private arm(): void {
    if (this.realTimer) clearTimeout(this.realTimer);
    this.realTimer = undefined;
    const next = this.timers[0];
    if (!next) return;
    if (this.rate === 0) {
      // As fast as it goes: idle time is skipped. After the current turn's callbacks, in case
      // one of them starts work.
      if (this.jumpPending) return;
      this.jumpPending = true;
      setImmediate(() => {
        this.jumpPending = false;
        if (this.rate === 0 && this.timers[0]) {
          this.simulatedAt = Math.max(this.simulatedAt, this.timers[0].due);
          this.realAt = this.realNow();
        }
        this.fireDue();
      });
      return;
    }
    const wait = Math.min((next.due - this.nowMs()) / this.rate, 2 ** 31 - 1);
    this.realTimer = setTimeout(() => this.fireDue(), Math.max(0, Math.ceil(wait)));
    this.realTimer.unref();
  }

  private fireDue(): void {
    this.realTimer = undefined;
    const now = this.nowMs();
    const due: Timer[] = [];
    while (this.timers[0] && this.timers[0].due <= now) due.push(this.timers.shift()!);
    for (const timer of due) timer.callback();
    this.arm();
  }
}

/** The fastest `--speed` as a number; `max` skips idle time altogether. */
const MAX_SPEED = 1_000_000;

/**
 * `--clock` and `--speed` of `npm start`: real time when neither is given, else a simulated
 * clock. `--clock` is an ISO date-time, read in the business time zone unless it carries an
 * offset (`2027-03-13T20:00`, `2027-03-14T04:00Z`); `--speed` a factor above 0 (up to a million)
 * or `max`. The answer is the clock or what is wrong, in words for the terminal.
 */
export function localClockFromFlags(
  flags: { clock?: string | undefined; speed?: string | undefined },
  timezone: string,
  realNow: () => number = Date.now,
): { clock: LocalClock } | { problem: string } {
  if (flags.clock === undefined && flags.speed === undefined) return { clock: realClock };
  let start = new Date(realNow());
  if (flags.clock !== undefined) {
    const parsed = parseClockFlag(flags.clock, timezone);
    if (typeof parsed === 'string') return { problem: parsed };
    start = parsed;
  }
  let speed = 1;
  if (flags.speed !== undefined) {
    speed = flags.speed === 'max' ? Infinity : Number(flags.speed);
    const aNumber = /^\d+(\.\d+)?$/.test(flags.speed) && speed > 0 && speed <= MAX_SPEED;
    if (flags.speed !== 'max' && !aNumber) {
      return { problem: `--speed must be a number above 0 and at most ${MAX_SPEED} (how many times faster than real time), or max, not "${flags.speed}"` };
    }
  }
  return { clock: new SimulatedClock(start, speed, realNow) };
}

const OFFSET = /(?:Z|[+-]\d{2}(?::?\d{2})?)$/i;

function parseClockFlag(value: string, timezone: string): Date | string {
  const example = 'e.g. 2027-03-13T20:00 (in the config\'s time zone) or 2027-03-14T04:00Z';
  const hasOffset = OFFSET.test(value) && value.includes('T');
  const parsed = DateTime.fromISO(value, hasOffset ? { setZone: true } : { zone: timezone });
  if (!parsed.isValid || !/^\d{4}-\d{2}-\d{2}/.test(value)) return `--clock must be an ISO date and time, ${example}; "${value}" is not one (${parsed.invalidExplanation ?? 'no date'})`;
  if (!hasOffset) {
    // Luxon moves a wall time that does not exist (a spring-forward gap) to one that does.
    const wall = DateTime.fromISO(value, { zone: 'utc' });
    if (wall.toFormat('yyyy-MM-dd HH:mm:ss') !== parsed.toFormat('yyyy-MM-dd HH:mm:ss')) {
      return `--clock ${value} does not exist in ${timezone} (the clocks skip it for daylight saving time); pick a time outside the gap or give an offset`;
    }
  }
  return parsed.toJSDate();
}
