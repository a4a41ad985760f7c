import { lambdaJobHandler } from '../../adapters/lambda-job-handler';
import { samplingProofJob } from './sampling-proof-job';

export const handler = lambdaJobHandler(samplingProofJob);
