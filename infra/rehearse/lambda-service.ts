import { randomUUID } from 'node:crypto';
import type { LambdaFunction } from './functions';
import type { IdentityRegistry } from './identities';
import { Sandbox, type SandboxResult } from './sandbox';
import type { Timeline } from './timeline';

/** Concurrency of a function without reserved concurrency: enough for a rehearsal, bounded for 2 cores. */
const UNRESERVED_CONCURRENCY = 4;
/** Lambda's defaults for asynchronous invocations: two retries, about one and two minutes later. */
const ASYNC_RETRY_DELAYS_MS = [60_000, 120_000];

export type InvocationOutcome =
  | { ok: true; payload: unknown }
  | { ok: false; errorType: string; errorMessage: string; kind: 'function-error' | 'timeout' | 'crash' | 'throttled' };

export interface InvocationRecord {
  functionName: string;
  source: string;
  mode: 'sync' | 'async';
  attempt: number;
  startedAt: number;
  outcome?: InvocationOutcome;
}

export interface LambdaServiceOptions {
  node: string;
  endpoint: string;
  region: string;
  tmpDir: string;
  identities: IdentityRegistry;
  timeline: Timeline;
  onLog: (fn: LambdaFunction, line: string, sandboxId: string) => void;
}

/**
 * Lambda's invoke model over the sandboxes: synchronous invokes (API Gateway, the SQS event
 * source, RequestResponse), the asynchronous queue with Lambda's retries (Event invokes,
 * Scheduler), reserved concurrency, time-outs on the rehearsal clock, and a fresh sandbox after a
 * crash or a time-out.
 */
export class LambdaService {
  readonly invocations: InvocationRecord[] = [];
  private readonly sandboxes = new Map<string, Sandbox[]>();
  private readonly asyncQueue = new Map<string, Array<() => void>>();
  private sandboxCount = 0;
  /** Calls of a function that fail before reaching it (an injected Lambda service fault). */
  private readonly faults = new Map<string, { until: number; errorType: string }>();

  constructor(
    readonly functions: readonly LambdaFunction[],
    private readonly options: LambdaServiceOptions,
  ) {
    options.timeline.clock.onChange((offset) => {
      for (const list of this.sandboxes.values()) for (const sandbox of list) sandbox.setClock(offset);
    });
  }

  /** By name, ARN or partial ARN, optionally qualified with `:$LATEST`, as Lambda accepts. */
  find(reference: string): LambdaFunction | undefined {
    const unqualified = reference.replace(/:(\$LATEST|\d+)$/, '');
    return this.functions.find((fn) => fn.name === unqualified || fn.arn === unqualified || unqualified.endsWith(`:function:${fn.name}`));
  }

  /** Every invoke of `fn` answers `errorType` until rehearsal time `until` (a Lambda service fault). */
  injectFault(fn: LambdaFunction, until: number, errorType: string): void {
    this.faults.set(fn.name, { until, errorType });
  }

  /** The fault an invoke of `fn` meets now, if any. */
  faultFor(fn: LambdaFunction): string | undefined {
    const fault = this.faults.get(fn.name);
    return fault && fault.until > this.options.timeline.clock.now() ? fault.errorType : undefined;
  }

  async invokeSync(fn: LambdaFunction, event: unknown, source: string): Promise<InvocationOutcome> {
    const sandbox = await this.acquire(fn);
    if (!sandbox) {
      const outcome: InvocationOutcome = { ok: false, errorType: 'TooManyRequestsException', errorMessage: 'Rate Exceeded.', kind: 'throttled' };
      this.invocations.push({ functionName: fn.name, source, mode: 'sync', attempt: 1, startedAt: this.options.timeline.clock.now(), outcome });
      return outcome;
    }
    return this.run(fn, sandbox, event, { functionName: fn.name, source, mode: 'sync', attempt: 1, startedAt: this.options.timeline.clock.now() });
  }

  /** Accepted at once (202); runs when a sandbox is free, retried twice on error as Lambda does. */
  invokeAsync(fn: LambdaFunction, event: unknown, source: string): void {
    this.attemptAsync(fn, event, source, 1);
  }

  private attemptAsync(fn: LambdaFunction, event: unknown, source: string, attempt: number): void {
    const start = async (): Promise<void> => {
      const sandbox = await this.acquire(fn);
      if (!sandbox) {
        // Throttled: Lambda keeps the event in its queue and tries again when capacity frees.
        this.asyncQueue.set(fn.name, [...(this.asyncQueue.get(fn.name) ?? []), () => void start()]);
        return;
      }
      // Not awaited: the run tracks its own invocation, which a held sandbox parks.
      void this.run(fn, sandbox, event, { functionName: fn.name, source, mode: 'async', attempt, startedAt: this.options.timeline.clock.now() }).then((outcome) => {
        if (!outcome.ok && attempt <= ASYNC_RETRY_DELAYS_MS.length) {
          this.options.timeline.after(ASYNC_RETRY_DELAYS_MS[attempt - 1] ?? 60_000, `lambda async retry ${fn.name}`, () => this.attemptAsync(fn, event, source, attempt + 1));
        }
      });
    };
    void this.options.timeline.track(start());
  }

  private async run(fn: LambdaFunction, sandbox: Sandbox, event: unknown, record: InvocationRecord): Promise<InvocationOutcome> {
    this.invocations.push(record);
    const clock = this.options.timeline.clock;
    const requestId = randomUUID();
    const deadlineMs = clock.now() + fn.timeoutSeconds * 1000;
    let timedOut = false;
    const timeoutLabel = `lambda timeout ${requestId}`;
    const timeOut = (): void => {
      if (record.outcome) return;
      timedOut = true;
      // No longer parked: the timeline waits for the sandbox's exit, which ends the invocation.
      sandbox.held = false;
      sandbox.kill();
    };
    // Whichever comes first: the rehearsal clock passing the deadline, or the real time running out.
    this.options.timeline.at(deadlineMs, timeoutLabel, timeOut);
    const realTimer = setTimeout(timeOut, fn.timeoutSeconds * 1000);
    const startedReal = Date.now();
    // The runtime's own lines, which every invocation writes to the log group (text format).
    this.options.onLog(fn, `START RequestId: ${requestId} Version: $LATEST`, sandbox.id);
    const result: SandboxResult = await this.options.timeline.track(
      sandbox.invoke(event, {
        awsRequestId: requestId,
        invokedFunctionArn: fn.arn,
        functionName: fn.name,
        functionVersion: '$LATEST',
        memoryLimitInMB: String(fn.memoryMb),
        logGroupName: fn.logGroupName,
        logStreamName: `rehearsal/[$LATEST]${sandbox.id}`,
        deadlineMs,
      }),
      () => sandbox.held,
    );
    clearTimeout(realTimer);
    this.options.timeline.cancel(timeoutLabel);
    let outcome: InvocationOutcome;
    if (timedOut) outcome = { ok: false, errorType: 'Sandbox.Timedout', errorMessage: `Task timed out after ${fn.timeoutSeconds.toFixed(2)} seconds`, kind: 'timeout' };
    else if (result.ok) outcome = { ok: true, payload: result.payload };
    else outcome = { ok: false, errorType: result.error.errorType, errorMessage: result.error.errorMessage, kind: result.crashed ? 'crash' : 'function-error' };
    record.outcome = outcome;
    const durationMs = Date.now() - startedReal;
    if (timedOut) this.options.onLog(fn, `${new Date(clock.now()).toISOString()} ${requestId} Task timed out after ${fn.timeoutSeconds.toFixed(2)} seconds`, sandbox.id);
    this.options.onLog(fn, `END RequestId: ${requestId}`, sandbox.id);
    this.options.onLog(fn, `REPORT RequestId: ${requestId}\tDuration: ${durationMs.toFixed(2)} ms\tBilled Duration: ${Math.ceil(durationMs)} ms\tMemory Size: ${fn.memoryMb} MB`, sandbox.id);
    this.release(fn, sandbox, timedOut || (!result.ok && result.crashed === true));
    return outcome;
  }

  private async acquire(fn: LambdaFunction): Promise<Sandbox | undefined> {
    const list = (this.sandboxes.get(fn.name) ?? []).filter((sandbox) => sandbox.alive);
    this.sandboxes.set(fn.name, list);
    const idle = list.find((sandbox) => !sandbox.busy);
    if (idle) {
      idle.busy = true;
      return idle;
    }
    if (list.length >= (fn.reservedConcurrency ?? UNRESERVED_CONCURRENCY)) return undefined;
    const sandbox = this.spawn(fn);
    sandbox.busy = true;
    list.push(sandbox);
    try {
      await sandbox.ready;
    } catch {
      // The invoke reports the runtime's exit.
    }
    return sandbox;
  }

  private release(fn: LambdaFunction, sandbox: Sandbox, discard: boolean): void {
    sandbox.busy = false;
    if (discard) this.retire(sandbox);
    const waiting = this.asyncQueue.get(fn.name)?.shift();
    waiting?.();
  }

  private spawn(fn: LambdaFunction): Sandbox {
    this.sandboxCount += 1;
    const id = `${fn.name}-${this.sandboxCount}`;
    const credentials = this.options.identities.issue({
      kind: 'function',
      name: fn.name,
      principalArn: this.options.identities.sessionArn(fn.roleArn, fn.name),
      roleArn: fn.roleArn,
      sandboxId: id,
    });
    return new Sandbox(id, fn, credentials, {
      node: this.options.node,
      endpoint: this.options.endpoint,
      region: this.options.region,
      clockOffsetMs: this.options.timeline.clock.offset,
      tmpDir: this.options.tmpDir,
      onLine: (line) => this.options.onLog(fn, line, id),
    });
  }

  private retire(sandbox: Sandbox): void {
    sandbox.kill();
    this.options.identities.revoke(sandbox.credentials.accessKeyId);
  }

  sandboxesOf(fn: LambdaFunction): readonly Sandbox[] {
    return this.sandboxes.get(fn.name) ?? [];
  }

  async shutdown(): Promise<void> {
    const all = [...this.sandboxes.values()].flat();
    await Promise.all(
      all.map(
        (sandbox) =>
          new Promise<void>((resolve) => {
            if (!sandbox.alive) return resolve();
            sandbox.child.once('exit', () => resolve());
            sandbox.kill();
          }),
      ),
    );
  }
}
