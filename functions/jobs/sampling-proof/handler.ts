import { lambdaJobHandler } from '../../runtime/edge';
import { s3Artifacts } from '../../runtime/wiring/s3-artifacts';
import { snsAlerts } from '../../runtime/wiring/sns-alerts';
import { bundledHolidayTable } from '../../adapters/environment';
import { samplingProofJob } from './sampling-proof-job';

export const handler = lambdaJobHandler(samplingProofJob, { s3: s3Artifacts, sns: snsAlerts }, { holidays: bundledHolidayTable });
