import type { Clock } from '../core/jobs/ports';

/** Node's timers hold at most 2^31 − 1 ms (~24.8 days); a longer delay would fire at once. */
const LONGEST_TIMER_MS = 2 ** 31 - 1;

/** Real time: what Lambda runs on. */
export const systemClock: Clock = {
  now: () => new Date(),
  after: (ms, callback) => {
    // A monthly schedule's next slot is often further away than one timer can wait: wait in legs.
    const due = Date.now() + Math.max(0, ms);
    let timer: NodeJS.Timeout;
    const arm = (): void => {
      const left = due - Date.now();
      timer = left > LONGEST_TIMER_MS ? setTimeout(arm, LONGEST_TIMER_MS) : setTimeout(callback, Math.max(0, left));
    };
    arm();
    return () => clearTimeout(timer);
  },
};
