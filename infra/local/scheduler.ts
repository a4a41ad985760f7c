import type { ScheduledTask } from '../../functions/core/jobs/scheduled-task';
import type { Invoker } from '../../functions/core/jobs/ports';
import { nextFireTimes } from '../../functions/core/time/schedule';

/** setTimeout cannot wait longer than this; longer waits re-arm. */
const MAX_TIMER_MS = 2 ** 31 - 1;

export interface ScheduleState {
  task: ScheduledTask;
  next: Date | undefined;
}

/**
 * EventBridge Scheduler, locally: each enabled schedule fires at its next fire time in its time
 * zone (the same module computes it, DST rules included) and invokes its job with the slot time,
 * exactly as the deployed schedule's input does.
 */
export class LocalScheduler {
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly states = new Map<string, ScheduleState>();

  constructor(
    private readonly tasks: readonly ScheduledTask[],
    private readonly invoker: Invoker,
    private readonly anchor: Date,
    private readonly onFire: (task: ScheduledTask, slot: Date, error?: unknown) => void,
  ) {}

  start(): void {
    for (const task of this.tasks) {
      this.states.set(task.name, { task, next: undefined });
      if (task.enabled) this.arm(task, new Date());
    }
  }

  stop(): void {
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
  }

  list(): ScheduleState[] {
    return [...this.states.values()];
  }

  private arm(task: ScheduledTask, after: Date): void {
    const [next] = nextFireTimes(task.expression, after, 1, { timezone: task.timezone, anchor: this.anchor });
    this.states.set(task.name, { task, next });
    if (!next) return;
    const wait = next.getTime() - Date.now();
    const timer = setTimeout(() => {
      if (wait > MAX_TIMER_MS) return this.arm(task, after);
      this.fire(task, next);
      this.arm(task, next);
    }, Math.max(0, Math.min(wait, MAX_TIMER_MS)));
    timer.unref();
    this.timers.set(task.name, timer);
  }

  private fire(task: ScheduledTask, slot: Date): void {
    this.invoker
      .invokeAsync({
        type: task.type,
        trigger: 'schedule',
        scheduleName: task.name,
        scheduledFor: slot.toISOString(),
        params: task.params,
        triggeredBy: task.name,
      })
      .then(
        () => this.onFire(task, slot),
        (error: unknown) => this.onFire(task, slot, error),
      );
  }
}
