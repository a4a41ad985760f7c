import { lambdaJobHandler } from '../../runtime/edge';
import { s3Artifacts } from '../../runtime/wiring/s3-artifacts';
import { snsAlerts } from '../../runtime/wiring/sns-alerts';
import { bundledHolidayTable } from '../../adapters/environment';
import { samplingProofJob } from './sampling-proof-job';
import { samplingProofRun } from './sampling-proof-run';

export const handler = lambdaJobHandler(samplingProofJob, samplingProofRun, { s3: s3Artifacts, sns: snsAlerts }, { holidays: bundledHolidayTable });
