import { lambdaJobHandler } from '../../runtime/edge';
import { s3Artifacts } from '../../runtime/wiring/s3-artifacts';
import { lambdaInvoker } from '../../runtime/wiring/lambda-invoker';
import { sqsDelayQueue } from '../../runtime/wiring/sqs-delay-queue';
import { rollupJob } from './rollup-job';

export const handler = lambdaJobHandler(rollupJob, { s3: s3Artifacts, lambda: lambdaInvoker, sqs: sqsDelayQueue });
