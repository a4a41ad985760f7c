import { lambdaJobHandler } from '../../runtime/edge';
import { s3Artifacts } from '../../runtime/wiring/s3-artifacts';
import { snapshotJob } from './snapshot-job';

export const handler = lambdaJobHandler(snapshotJob, { s3: s3Artifacts });
