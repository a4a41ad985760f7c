import { createSqsClient } from '../../adapters/aws-clients';
import { SqsDelayInvoker } from '../../adapters/invoker/sqs-delay';
import type { AwsAdapters } from './aws-adapters';

/** Delayed invocations through the delay queue where the stack provides one; the rest go straight on. */
export const sqsDelayQueue: Required<AwsAdapters>['sqs'] = (env, immediate) =>
  env.delayQueueUrl ? new SqsDelayInvoker(createSqsClient({ region: env.region }), env.delayQueueUrl, immediate) : immediate;
