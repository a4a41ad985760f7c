/**
 * The rehearsal's clock: real time plus an offset that only moves forward. Functions see the same
 * time (their sandboxes get the offset), so a day of schedules passes in seconds while every
 * run still reads a consistent "now".
 */
export class VirtualClock {
  private offsetMs = 0;
  private readonly listeners = new Set<(offsetMs: number) => void>();

  constructor(startAt?: Date) {
    if (startAt) this.offsetMs = startAt.getTime() - Date.now();
  }

  now(): number {
    return Date.now() + this.offsetMs;
  }

  get offset(): number {
    return this.offsetMs;
  }

  onChange(listener: (offsetMs: number) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Jumps to `time`; never backwards (a run that read "now" must not see it again). */
  set(time: number): void {
    if (time <= this.now()) return;
    this.offsetMs = time - Date.now();
    for (const listener of this.listeners) listener(this.offsetMs);
  }
}

interface TimedTask {
  at: number;
  label: string;
  run: () => Promise<void> | void;
  sequence: number;
}

/** Background work the timeline waits for; `parked` work (a sandbox held on purpose) it does not. */
interface TrackedWork {
  promise: Promise<unknown>;
  parked: () => boolean;
}

/**
 * Everything that happens at a time: schedule slots, SQS messages becoming visible, Lambda's
 * async retries, function time-outs. `advanceTo` moves the clock from one due task to the next
 * and lets the work each one starts finish before going on, so the order of events is the order
 * of their times, as in AWS.
 */
export class Timeline {
  private readonly tasks: TimedTask[] = [];
  private readonly work = new Set<TrackedWork>();
  private sequence = 0;

  constructor(readonly clock: VirtualClock) {}

  at(time: number, label: string, run: () => Promise<void> | void): void {
    this.tasks.push({ at: time, label, run, sequence: this.sequence++ });
  }

  after(delayMs: number, label: string, run: () => Promise<void> | void): void {
    this.at(this.clock.now() + delayMs, label, run);
  }

  /** Lets the timeline wait for `promise` before moving on (unless `parked` says it is held). */
  track<T>(promise: Promise<T>, parked: () => boolean = () => false): Promise<T> {
    const entry: TrackedWork = { promise, parked };
    this.work.add(entry);
    void promise.then(
      () => this.work.delete(entry),
      () => this.work.delete(entry),
    );
    return promise;
  }

  cancel(label: string): void {
    for (let index = this.tasks.length - 1; index >= 0; index -= 1) if (this.tasks[index]?.label === label) this.tasks.splice(index, 1);
  }

  pendingLabels(): string[] {
    return [...this.tasks].sort(byTime).map((task) => `${new Date(task.at).toISOString()} ${task.label}`);
  }

  /** Runs what is due now and waits until no unparked work is left. */
  async settle(): Promise<void> {
    for (;;) {
      const due = this.nextDue(this.clock.now());
      if (due) {
        await this.runTask(due);
        continue;
      }
      const active = [...this.work].filter((entry) => !entry.parked());
      if (active.length === 0) return;
      // Whichever ends first; then look again (it may have queued more).
      await Promise.race([Promise.race(active.map((entry) => entry.promise.catch(() => undefined))), delay(50)]);
    }
  }

  /** Moves the clock to `time`, stopping at every task due on the way. */
  async advanceTo(time: number): Promise<void> {
    await this.settle();
    for (;;) {
      const due = this.nextDue(time);
      if (!due) break;
      this.clock.set(due.at);
      await this.runTask(due);
      await this.settle();
    }
    this.clock.set(time);
    await this.settle();
  }

  async advanceBy(ms: number): Promise<void> {
    await this.advanceTo(this.clock.now() + ms);
  }

  private nextDue(limit: number): TimedTask | undefined {
    const due = this.tasks.filter((task) => task.at <= limit).sort(byTime)[0];
    if (due) this.tasks.splice(this.tasks.indexOf(due), 1);
    return due;
  }

  /** Called with each task as it runs (REHEARSE_DEBUG=1 prints them). */
  onTask: ((label: string, at: number) => void) | undefined;

  private async runTask(task: TimedTask): Promise<void> {
    this.onTask?.(task.label, task.at);
    await this.track(Promise.resolve().then(task.run));
  }
}

function byTime(a: TimedTask, b: TimedTask): number {
  return a.at - b.at || a.sequence - b.sequence;
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
