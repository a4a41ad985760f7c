import type { InvokeOptions, Invoker, JobInvocation } from '../../functions/core/jobs/ports';

/** Records every async invoke with its options (the delay) instead of running it. */
export class DelayRecordingInvoker implements Invoker {
  readonly calls: Array<{ invocation: JobInvocation; delaySeconds: number }> = [];
  failNext = false;

  async invokeAsync(invocation: JobInvocation, options?: InvokeOptions): Promise<void> {
    if (this.failNext) {
      this.failNext = false;
      throw new Error('invoke refused (test)');
    }
    this.calls.push({ invocation: structuredClone(invocation), delaySeconds: options?.delaySeconds ?? 0 });
  }

  clear(): void {
    this.calls.length = 0;
  }
}

type JobHandler = (event: unknown, context: { getRemainingTimeInMillis(): number }) => Promise<unknown>;

/**
 * Runs each invocation through a job function's real handler, in this process, as the local
 * cloud does; `settle()` waits for every run started so far. Invocations of other types are
 * only recorded.
 */
export class HandlerInvoker implements Invoker {
  readonly invocations: JobInvocation[] = [];
  private readonly running: Array<Promise<unknown>> = [];

  constructor(private readonly handlers: Partial<Record<string, JobHandler>>) {}

  async invokeAsync(invocation: JobInvocation): Promise<void> {
    this.invocations.push(structuredClone(invocation));
    const handler = this.handlers[invocation.type];
    if (handler) this.running.push(handler(structuredClone(invocation), { getRemainingTimeInMillis: () => 300_000 }));
  }

  async settle(): Promise<void> {
    while (this.running.length > 0) await Promise.all(this.running.splice(0));
  }
}
