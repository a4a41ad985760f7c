import { lambdaJobHandler } from '../../runtime/edge';
import { s3Artifacts } from '../../runtime/wiring/s3-artifacts';
import { scriptRunJob } from './script-run-job';

export const handler = lambdaJobHandler(scriptRunJob, { s3: s3Artifacts });
