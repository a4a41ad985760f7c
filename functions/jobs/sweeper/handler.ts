import { lambdaJobHandler } from '../../runtime/edge';
import { sweeperJob } from './sweeper-job';

export const handler = lambdaJobHandler(sweeperJob);
