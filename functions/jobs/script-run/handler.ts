import { lambdaJobHandler } from '../../adapters/lambda-job-handler';
import { scriptRunJob } from './job';

export const handler = lambdaJobHandler(scriptRunJob);
