import type { Clock } from '../../functions/core/jobs/ports';

/**
 * A clock whose time only moves when told to. Its timers run on real time (a run's deadline
 * `ms` from the fake now fires `ms` later in the test), as every test written against it expects;
 * `SimulatedClock` (infra/local) is the one whose timers follow its own time.
 */
export class FakeClock implements Clock {
  private current: number;

  constructor(start: Date | string = '2026-11-23T12:00:00.000Z') {
    this.current = new Date(start).getTime();
  }

  now(): Date {
    return new Date(this.current);
  }

  after(ms: number, callback: () => void): () => void {
    const timer = setTimeout(callback, Math.max(0, ms));
    return () => clearTimeout(timer);
  }

  set(to: Date | string): void {
    this.current = new Date(to).getTime();
  }

  advance(ms: number): void {
    this.current += ms;
  }
}
