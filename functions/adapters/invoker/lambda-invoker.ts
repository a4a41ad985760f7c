import { InvokeCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import type { InvokeOptions, Invoker, JobInvocation } from '../../core/jobs/ports';
import { NightshiftError } from '../../core/errors';
import { UnknownJobTypeError } from '../../core/jobs/errors';

export class InvokeFailedError extends NightshiftError {
  constructor(type: string, options?: { cause?: unknown }) {
    super('invoke_failed', `could not start a ${type} run: the function did not accept the invocation`, options);
  }
}

/** A delayed invocation with nowhere to wait: Lambda's own async invoke cannot delay. */
export class DelayUnavailableError extends NightshiftError {
  constructor(type: string, reason: string) {
    super('invoke_failed', `could not schedule a delayed ${type} run: ${reason}`);
  }
}

/**
 * Asynchronous Lambda invokes (`Event`): Lambda queues the payload and returns at once. It cannot
 * delay one; `SqsDelayInvoker` in front of it does that.
 */
export class LambdaInvoker implements Invoker {
  constructor(
    private readonly client: LambdaClient,
    private readonly functionNames: Readonly<Record<string, string>>,
  ) {}

  async invokeAsync(invocation: JobInvocation, options?: InvokeOptions): Promise<void> {
    if ((options?.delaySeconds ?? 0) > 0) throw new DelayUnavailableError(invocation.type, 'no delay queue is configured (NIGHTSHIFT_DELAY_QUEUE_URL)');
    const functionName = this.functionNames[invocation.type];
    if (!functionName) throw new UnknownJobTypeError(invocation.type, Object.keys(this.functionNames));
    try {
      await this.client.send(
        new InvokeCommand({
          FunctionName: functionName,
          InvocationType: 'Event',
          Payload: Buffer.from(JSON.stringify(invocation)),
        }),
      );
    } catch (error) {
      throw new InvokeFailedError(invocation.type, { cause: error });
    }
  }
}
