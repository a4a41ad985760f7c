import { createS3Client } from '../../adapters/aws-clients';
import { S3ArtifactStore } from '../../adapters/s3/artifact-store';
import type { AwsAdapters } from './aws-adapters';

/** The artifacts bucket through S3. */
export const s3Artifacts: Required<AwsAdapters>['s3'] = (env) =>
  new S3ArtifactStore(createS3Client({ region: env.region, ...(env.s3Endpoint ? { endpoint: env.s3Endpoint } : {}) }), env.bucket);
