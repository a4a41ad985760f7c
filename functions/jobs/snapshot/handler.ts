import { lambdaJobHandler } from '../../adapters/lambda-job-handler';
import { snapshotJob } from './snapshot-job';

export const handler = lambdaJobHandler(snapshotJob);
