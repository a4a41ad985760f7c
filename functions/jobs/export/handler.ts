import { lambdaJobHandler } from '../../runtime/edge';
import { s3Artifacts } from '../../runtime/wiring/s3-artifacts';
import { exportJob } from './export-job';
import { exportRun } from './export-run';

export const handler = lambdaJobHandler(exportJob, exportRun, { s3: s3Artifacts });
