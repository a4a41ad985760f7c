import { lambdaJobHandler } from '../../runtime/edge';
import { s3Artifacts } from '../../runtime/wiring/s3-artifacts';
import { scriptRunJob } from './script-run-job';
import { scriptRunRun } from './script-run-run';

export const handler = lambdaJobHandler(scriptRunJob, scriptRunRun, { s3: s3Artifacts });
