import { lambdaJobHandler } from '../../adapters/lambda-job-handler';
import { rollupJob } from './rollup-job';

export const handler = lambdaJobHandler(rollupJob);
