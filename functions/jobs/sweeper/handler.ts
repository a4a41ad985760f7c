import { lambdaJobHandler } from '../../runtime/edge';
import { lambdaInvoker } from '../../runtime/wiring/lambda-invoker';
import { sqsScheduleDlq } from '../../runtime/wiring/sqs-schedule-dlq';
import { sweeperJob } from './sweeper-job';
import { sweeperRun } from './sweeper-run';

export const handler = lambdaJobHandler(sweeperJob, sweeperRun, { lambda: lambdaInvoker, scheduleDlq: sqsScheduleDlq });
