import { lambdaJobHandler } from '../../runtime/edge';
import { s3Artifacts } from '../../runtime/wiring/s3-artifacts';
import { snapshotJob } from './snapshot-job';
import { snapshotRun } from './snapshot-run';

export const handler = lambdaJobHandler(snapshotJob, snapshotRun, { s3: s3Artifacts });
