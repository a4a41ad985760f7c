import { lambdaJobHandler } from '../../runtime/edge';
import { s3Artifacts } from '../../runtime/wiring/s3-artifacts';
import { lambdaInvoker } from '../../runtime/wiring/lambda-invoker';
import { snsAlerts } from '../../runtime/wiring/sns-alerts';
import { sqsDelayQueue } from '../../runtime/wiring/sqs-delay-queue';
import { rollupJob } from './rollup-job';
import { rollupRun } from './rollup-run';

// The hourly watch alerts from the rollup: it publishes to the alert topic as the proofs do.
export const handler = lambdaJobHandler(rollupJob, rollupRun, { s3: s3Artifacts, lambda: lambdaInvoker, sqs: sqsDelayQueue, sns: snsAlerts });
