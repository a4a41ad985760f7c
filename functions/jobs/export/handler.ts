import { lambdaJobHandler } from '../../runtime/edge';
import { exportJob } from './export-job';

export const handler = lambdaJobHandler(exportJob);
