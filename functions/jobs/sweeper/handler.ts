import { lambdaJobHandler } from '../../runtime/edge';
import { lambdaInvoker } from '../../runtime/wiring/lambda-invoker';
import { sqsScheduleDlq } from '../../runtime/wiring/sqs-schedule-dlq';
import { sweeperJob } from './sweeper-job';

export const handler = lambdaJobHandler(sweeperJob, { lambda: lambdaInvoker, scheduleDlq: sqsScheduleDlq });
