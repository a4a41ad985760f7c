import { lambdaJobHandler } from '../../runtime/edge';
import { s3Artifacts } from '../../runtime/wiring/s3-artifacts';
import { exportJob } from './export-job';

export const handler = lambdaJobHandler(exportJob, { s3: s3Artifacts });
