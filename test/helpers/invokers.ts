import type { InvokeOptions, Invoker, JobInvocation } from '../../functions/core/jobs/ports';
import { jobWithRun } from '../../functions/job-runs';
import { runnableJob } from '../../functions/jobs/job-type-definition';
import { makeJobHandler, type JobHandler } from '../../functions/runtime/job-handler';
import type { Runtime } from '../../functions/runtime/runtime';

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

/**
 * Runs each invocation of the given types through its job type's real handler, in this process,
 * as the local cloud does; `settle()` waits for every run started so far. Invocations of other
 * types are only recorded. The handlers are built over the runtime handed to `serve` (the test
 * API's own), since that runtime is built with this invoker.
 */
export class HandlerInvoker implements Invoker {
  readonly invocations: JobInvocation[] = [];
  private readonly running: Array<Promise<unknown>> = [];
  private handlers: ReadonlyMap<string, JobHandler> = new Map();

  constructor(private readonly types: readonly string[] = []) {}

  serve(runtime: Runtime): void {
    this.handlers = new Map(this.types.map((type) => [type, makeJobHandler(runnableJob(jobWithRun(type), runtime.services), runtime.deps)]));
  }

  async invokeAsync(invocation: JobInvocation): Promise<void> {
    this.invocations.push(structuredClone(invocation));
    const handler = this.handlers.get(invocation.type);
    if (handler) this.running.push(handler(structuredClone(invocation), { getRemainingTimeInMillis: () => 300_000 }));
  }

  async settle(): Promise<void> {
    while (this.running.length > 0) await Promise.all(this.running.splice(0));
  }
}
