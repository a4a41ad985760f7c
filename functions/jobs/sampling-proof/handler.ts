import { lambdaJobHandler } from '../../runtime/lambda-job-handler';
import { samplingProofJob } from './runtime-wiring';

export const handler = lambdaJobHandler(samplingProofJob);
