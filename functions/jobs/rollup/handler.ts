import { lambdaJobHandler } from '../../runtime/lambda-job-handler';
import { rollupJob } from './rollup-job';

export const handler = lambdaJobHandler(rollupJob);
