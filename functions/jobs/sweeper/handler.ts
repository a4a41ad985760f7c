import { lambdaJobHandler } from '../../adapters/lambda-job-handler';
import { sweeperJob } from './sweeper-job';

export const handler = lambdaJobHandler(sweeperJob);
