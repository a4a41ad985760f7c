import { lambdaJobHandler } from '../../runtime/edge';
import { lambdaInvoker } from '../../runtime/wiring/lambda-invoker';
import { sweeperJob } from './sweeper-job';

export const handler = lambdaJobHandler(sweeperJob, { lambda: lambdaInvoker });
