import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { JobType } from '../../core/jobs/job-types';
import { MAX_INVOKE_DELAY_SECONDS, type InvokeOptions, type Invoker, type JobInvocation } from '../../core/jobs/ports';
import { DelayUnavailableError, InvokeFailedError } from './lambda-invoker';

/**
 * The job type the delay queue feeds: the queue's only event source mapping is on its function
 * (infra/stacks/stateless-stack.ts), so a message for any other type would reach the wrong one.
 */
export const DELAY_QUEUE_JOB_TYPE: JobType = 'rollup';

/**
 * Delayed invokes in AWS: the invocation goes to an SQS queue as a message with `DelaySeconds`,
 * and the queue's event source mapping hands it to the job function when the delay is over, so
 * nothing sleeps and nothing polls. Invocations without a delay go straight to `immediate`.
 */
export class SqsDelayInvoker implements Invoker {
  constructor(
    private readonly sqs: SQSClient,
    private readonly queueUrl: string,
    private readonly immediate: Invoker,
    private readonly delayedType: JobType = DELAY_QUEUE_JOB_TYPE,
  ) {}

  async invokeAsync(invocation: JobInvocation, options?: InvokeOptions): Promise<void> {
    const delay = options?.delaySeconds ?? 0;
    if (delay <= 0) return this.immediate.invokeAsync(invocation);
    if (!Number.isFinite(delay) || delay > MAX_INVOKE_DELAY_SECONDS) {
      throw new DelayUnavailableError(invocation.type, `a delay of ${delay} s is outside SQS's 0–${MAX_INVOKE_DELAY_SECONDS} s`);
    }
    if (invocation.type !== this.delayedType) {
      throw new DelayUnavailableError(invocation.type, `the delay queue only feeds ${this.delayedType} runs`);
    }
    try {
      await this.sqs.send(
        new SendMessageCommand({ QueueUrl: this.queueUrl, MessageBody: JSON.stringify(invocation), DelaySeconds: Math.ceil(delay) }),
      );
    } catch (error) {
      throw new InvokeFailedError(invocation.type, { cause: error });
    }
  }
}
