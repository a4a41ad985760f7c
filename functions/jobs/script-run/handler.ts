import { lambdaJobHandler } from '../../runtime/edge';
import { scriptRunJob } from './script-run-job';

export const handler = lambdaJobHandler(scriptRunJob);
