import { createScriptRunJob } from './script-run-job';
import { shippedManifest } from './shipped-manifest';

/** Script runs of the scripts this build ships (layers/scripts/manifest.json). */
export const scriptRunJob = createScriptRunJob(shippedManifest);
