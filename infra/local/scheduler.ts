import type { ScheduledTask } from '../../functions/core/jobs/scheduled-task';
import type { Clock, Invoker } from '../../functions/core/jobs/ports';
import { nextFireTimes } from '../../functions/core/time/schedule';

export interface ScheduleState {
  task: ScheduledTask;
  next: Date | undefined;
}

/**
 * EventBridge Scheduler, locally: each enabled schedule fires at its next fire time in its time
 * zone (the same module computes it, DST rules included) and invokes its job with the slot time,
 * exactly as the deployed schedule's input does. Its time is the local cloud's clock (a simulated
 * one under `--clock`/`--speed`): the slots it fires, and when, follow that clock.
 */
export class LocalScheduler {
  private readonly timers = new Map<string, () => void>();
  private readonly states = new Map<string, ScheduleState>();

  constructor(
    private readonly tasks: readonly ScheduledTask[],
    private readonly invoker: Invoker,
    private readonly anchor: Date,
    private readonly clock: Clock,
    private readonly onFire: (task: ScheduledTask, slot: Date, error?: unknown) => void,
  ) {}

  start(): void {
    for (const task of this.tasks) {
      this.states.set(task.name, { task, next: undefined });
      if (task.enabled) this.arm(task, this.clock.now());
    }
  }

  stop(): void {
    for (const cancel of this.timers.values()) cancel();
    this.timers.clear();
  }

  list(): ScheduleState[] {
    return [...this.states.values()];
  }

  private arm(task: ScheduledTask, after: Date): void {
    const [next] = nextFireTimes(task.expression, after, 1, { timezone: task.timezone, anchor: this.anchor });
    this.states.set(task.name, { task, next });
    if (!next) return;
    const cancel = this.clock.after(next.getTime() - this.clock.now().getTime(), () => {
      this.fire(task, next);
      this.arm(task, next);
    });
    this.timers.set(task.name, cancel);
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
