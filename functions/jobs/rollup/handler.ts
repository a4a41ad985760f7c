import { lambdaJobHandler } from '../../runtime/edge';
import { rollupJob } from './rollup-job';

export const handler = lambdaJobHandler(rollupJob);
