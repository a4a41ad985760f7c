import type { InvokeOptions, Invoker, JobInvocation } from '../../functions/core/jobs/ports';
import type { LocalClock } from './simulated-clock';

type Handler = (event: unknown, context: { getRemainingTimeInMillis(): number }) => Promise<unknown>;

/** A job type's function, in process: its handler, its concurrency cap and its timeout. */
export interface LaneSpec {
  type: string;
  maxConcurrency: number;
  timeoutMs: number;
  handler: Handler;
}

interface Lane {
  spec: LaneSpec;
  waiting: JobInvocation[];
  running: number;
}

/**
 * Lambda's asynchronous invoke, in process: each job type gets a queue and runs at most its
 * catalog concurrency at once, with the function's timeout as its remaining time. The handlers
 * are the ones Lambda runs, built over the same composition root. A delayed invoke (the delay
 * queue in AWS) waits on a timer before it joins the queue. Delays and the function's remaining
 * time are measured on the local cloud's clock, and each run tells the clock it is at work.
 *
 * Made in two steps, because the runtime is built with this invoker and the handlers over the
 * runtime: construct it, build the runtime, then `serve` the lanes.
 */
export class InProcessInvoker implements Invoker {
  private readonly lanes = new Map<string, Lane>();
  private readonly inFlight = new Set<Promise<void>>();
  private readonly delayed = new Set<() => void>();
  private accepting = true;

  private idleWaiters: Array<() => void> = [];

  constructor(
    private readonly clock: LocalClock,
    private readonly onError: (invocation: JobInvocation, error: unknown) => void,
    /** What the handler returned, for each invocation that ran to its end. */
    private readonly onEnded: (invocation: JobInvocation, result: unknown) => void = () => undefined,
  ) {}

  /** Opens a lane per job function; an invoke of a type without one fails like a missing function. */
  serve(lanes: readonly LaneSpec[]): void {
    for (const spec of lanes) this.lanes.set(spec.type, { spec, waiting: [], running: 0 });
  }

  async invokeAsync(invocation: JobInvocation, options?: InvokeOptions): Promise<void> {
    if (!this.accepting) throw new Error('the local cloud is shutting down');
    const lane = this.lanes.get(invocation.type);
    if (!lane) throw new Error(`no function for job type ${invocation.type}`);
    const delayMs = Math.max(0, (options?.delaySeconds ?? 0) * 1000);
    if (delayMs === 0) {
      this.enqueue(lane, invocation);
      return;
    }
    // Copied now, as SQS copies the message body when it is sent.
    const message = structuredClone(invocation);
    const cancel = this.clock.after(delayMs, () => {
      this.delayed.delete(cancel);
      if (this.accepting) this.enqueue(lane, message);
      this.settleIdleWaiters();
    });
    this.delayed.add(cancel);
  }

  /** Delayed invocations still waiting for their time. */
  get delayedCount(): number {
    return this.delayed.size;
  }

  /** Resolves once nothing runs, waits in a lane or waits for its delay. */
  whenIdle(): Promise<void> {
    if (this.idle) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private get idle(): boolean {
    return this.inFlight.size === 0 && this.delayed.size === 0 && [...this.lanes.values()].every((lane) => lane.waiting.length === 0);
  }

  private settleIdleWaiters(): void {
    if (!this.idle) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const resolve of waiters) resolve();
  }

  /** Stops taking invocations and waits (bounded) for running ones to finish. */
  async drain(timeoutMs: number): Promise<void> {
    this.accepting = false;
    for (const cancel of this.delayed) cancel();
    this.delayed.clear();
    for (const lane of this.lanes.values()) lane.waiting.length = 0;
    await Promise.race([Promise.allSettled([...this.inFlight]), new Promise((r) => setTimeout(r, timeoutMs).unref())]);
  }

  private enqueue(lane: Lane, invocation: JobInvocation): void {
    lane.waiting.push(invocation);
    this.pump(lane);
  }

  private pump(lane: Lane): void {
    while (lane.running < lane.spec.maxConcurrency && lane.waiting.length > 0) {
      const invocation = lane.waiting.shift()!;
      lane.running += 1;
      const done = this.clock.working();
      const run = this.run(lane, invocation).finally(() => {
        done();
        lane.running -= 1;
        this.inFlight.delete(run);
        if (this.accepting) this.pump(lane);
        this.settleIdleWaiters();
      });
      this.inFlight.add(run);
    }
  }

  private async run(lane: Lane, invocation: JobInvocation): Promise<void> {
    try {
      const deadline = this.clock.now().getTime() + lane.spec.timeoutMs;
      const remaining = () => Math.max(0, deadline - this.clock.now().getTime());
      const result = await lane.spec.handler(structuredClone(invocation), { getRemainingTimeInMillis: remaining });
      this.onEnded(invocation, result);
    } catch (error) {
      this.onError(invocation, error);
    }
  }
}
