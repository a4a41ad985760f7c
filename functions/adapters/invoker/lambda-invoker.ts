import { InvokeCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import type { Invoker, JobInvocation } from '../../core/jobs/ports';
import { NightshiftError } from '../../core/errors';
import { UnknownJobTypeError } from '../../core/jobs/errors';

export class InvokeFailedError extends NightshiftError {
  constructor(type: string, options?: { cause?: unknown }) {
    super('invoke_failed', `could not start a ${type} run: the function did not accept the invocation`, options);
  }
}

/** Asynchronous Lambda invokes (`Event`): Lambda queues the payload and returns at once. */
export class LambdaInvoker implements Invoker {
  constructor(
    private readonly client: LambdaClient,
    private readonly functionNames: Readonly<Record<string, string>>,
  ) {}

  async invokeAsync(invocation: JobInvocation): Promise<void> {
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
