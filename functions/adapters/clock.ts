import type { Clock } from '../core/jobs/ports';

/** Real time: what Lambda runs on. */
export const systemClock: Clock = {
  now: () => new Date(),
  after: (ms, callback) => {
    const timer = setTimeout(callback, Math.max(0, ms));
    return () => clearTimeout(timer);
  },
};
