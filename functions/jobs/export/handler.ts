import { lambdaJobHandler } from '../../runtime/lambda-job-handler';
import { exportJob } from './export-job';

export const handler = lambdaJobHandler(exportJob);
