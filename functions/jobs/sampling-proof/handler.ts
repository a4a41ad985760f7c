import { lambdaJobHandler } from '../../runtime/edge';
import { samplingProofJob } from './sampling-proof-job';

export const handler = lambdaJobHandler(samplingProofJob);
