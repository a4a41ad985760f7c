import type { Clock } from './ports';

/**
 * Calls `tick` every `intervalMs` of the clock's time until the returned function is called
 * (setInterval on an injected clock: each tick arms the next).
 */
export function repeatEvery(clock: Clock, intervalMs: number, tick: () => void): () => void {
  let stopped = false;
  let cancel = () => undefined as void;
  const arm = () => {
    cancel = clock.after(intervalMs, () => {
      if (stopped) return;
      arm();
      tick();
    });
  };
  arm();
  return () => {
    stopped = true;
    cancel();
  };
}
