import type { AwsAdapters } from './aws-adapters';
import { lambdaInvoker } from './lambda-invoker';
import { s3Artifacts } from './s3-artifacts';
import { snsAlerts } from './sns-alerts';
import { sqsDelayQueue } from './sqs-delay-queue';
import { sqsScheduleDlq } from './sqs-schedule-dlq';

/** Every adapter: the local cloud and the tests run every function over one runtime. */
export const everyAwsAdapter: Required<AwsAdapters> = { s3: s3Artifacts, lambda: lambdaInvoker, sqs: sqsDelayQueue, sns: snsAlerts, scheduleDlq: sqsScheduleDlq };
