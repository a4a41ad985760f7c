import { lambdaJobHandler } from '../../runtime/lambda-job-handler';
import { sweeperJob } from './sweeper-job';

export const handler = lambdaJobHandler(sweeperJob);
