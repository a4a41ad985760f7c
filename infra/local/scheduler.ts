import type { ScheduledTask } from '../../functions/core/jobs/scheduled-task';
import type { Clock, Invoker } from '../../functions/core/jobs/ports';
import type { JobDependencies } from '../../functions/core/jobs/definition';
import { recordScheduleDeadLetter } from '../../functions/core/jobs/slots/dead-letters';
import { describeError } from '../../functions/core/errors';
import { nextFireTimes } from '../../functions/core/time/schedule';
import { scheduleRetryBackoffMs, scheduleRetryPolicy } from '../schedule-delivery';

export interface ScheduleState {
  task: ScheduledTask;
  next: Date | undefined;
}

/**
 * EventBridge Scheduler, locally: each enabled schedule fires at its next fire time in its time
 * zone (the same module computes it, DST rules included) and invokes its job with the slot time,
 * exactly as the deployed schedule's input does. Its time is the local cloud's clock (a simulated
 * one under `--clock`/`--speed`): the slots it fires, and when, follow that clock. A refused
 * invoke is retried as the deployed schedule's retry policy says (`schedule-delivery.ts`); when
 * the retries are spent its dead letter is recorded on the slot (`dead_lettered`), as the sweeper
 * records what Scheduler puts in the dead-letter queue.
 */
export class LocalScheduler {
  private readonly timers = new Map<string, () => void>();
  private readonly states = new Map<string, ScheduleState>();
  private readonly retries = new Set<() => void>();
  private readonly deadLetters = new Set<Promise<void>>();

  constructor(
    private readonly tasks: readonly ScheduledTask[],
    private readonly invoker: Invoker,
    private readonly anchor: Date,
    private readonly clock: Clock,
    /** Each slot once: delivered, or (with the last attempt's error) given up after its retries. */
    private readonly onFire: (task: ScheduledTask, slot: Date, error?: unknown) => void,
    /** Where a slot whose retries are spent is recorded as dead-lettered. */
    private readonly ledger: Pick<JobDependencies, 'ledger' | 'clock' | 'config'>,
  ) {}

  start(): void {
    for (const task of this.tasks) {
      this.states.set(task.name, { task, next: undefined });
      if (task.enabled) this.arm(task, this.clock.now());
    }
  }

  stop(): void {
    for (const cancel of [...this.timers.values(), ...this.retries]) cancel();
    this.timers.clear();
    this.retries.clear();
  }

  /** Resolves once every slot given up is recorded (or failed to be). */
  async deadLettersRecorded(): Promise<void> {
    await Promise.allSettled([...this.deadLetters]);
  }

  list(): ScheduleState[] {
    return [...this.states.values()];
  }

  private arm(task: ScheduledTask, after: Date): void {
    const [next] = nextFireTimes(task.expression, after, 1, { timezone: task.timezone, anchor: this.anchor });
    this.states.set(task.name, { task, next });
    if (!next) return;
    const cancel = this.clock.after(next.getTime() - this.clock.now().getTime(), () => {
      this.deliver(task, next, 0);
      this.arm(task, next);
    });
    this.timers.set(task.name, cancel);
  }

  private deliver(task: ScheduledTask, slot: Date, attempt: number): void {
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
        (error: unknown) => this.retryOrGiveUp(task, slot, attempt, error),
      );
  }

  private retryOrGiveUp(task: ScheduledTask, slot: Date, attempt: number, error: unknown): void {
    const backoffMs = scheduleRetryBackoffMs(attempt);
    const age = this.clock.now().getTime() - slot.getTime();
    if (attempt < scheduleRetryPolicy.maximumRetryAttempts && age + backoffMs <= scheduleRetryPolicy.maximumEventAgeInSeconds * 1000) {
      const cancel = this.clock.after(backoffMs, () => {
        this.retries.delete(cancel);
        this.deliver(task, slot, attempt + 1);
      });
      this.retries.add(cancel);
      return;
    }
    const recording = recordScheduleDeadLetter(this.ledger, { schedule: task.name, scheduledFor: slot.toISOString() })
      .then(
        () => this.onFire(task, slot, error),
        (failure: unknown) => this.onFire(task, slot, new Error(`${describeError(error).message}; its dead letter was not recorded: ${describeError(failure).message}`, { cause: failure })),
      )
      .finally(() => this.deadLetters.delete(recording));
    this.deadLetters.add(recording);
  }
}
