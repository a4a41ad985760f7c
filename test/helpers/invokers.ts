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
