import { lambdaJobHandler } from '../../runtime/edge';
import { snapshotJob } from './snapshot-job';

export const handler = lambdaJobHandler(snapshotJob);
