import { lambdaJobHandler } from '../../runtime/lambda-job-handler';
import { snapshotJob } from './snapshot-job';

export const handler = lambdaJobHandler(snapshotJob);
