import { lambdaJobHandler } from '../../runtime/lambda-job-handler';
import { scriptRunJob } from './job';

export const handler = lambdaJobHandler(scriptRunJob);
