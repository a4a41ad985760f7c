import { createDynamoDbClient, createS3Client, documentClientFor } from '../functions/adapters/aws-clients';
import { S3ArtifactStore } from '../functions/adapters/s3/artifact-store';
import { startEmulators } from '../infra/local/emulators';
import { provisionStorage, type StorageNames } from '../infra/local/provision';
import type { TestStorage } from '../test/helpers/storage';

const REGION = 'us-east-1';

/**
 * Runs `work` against fresh DynamoDB Local and s3rver processes with Nightshift's tables and
 * bucket, and stops them afterwards, whatever happens: the storage benchmarks measure on real
 * emulators, each in its own.
 */
export async function withEmulatorStorage<T>(names: StorageNames, work: (storage: TestStorage, pids: { dynamodb: number; s3: number }) => Promise<T>): Promise<T> {
  const emulators = await startEmulators();
  const dynamodbClient = createDynamoDbClient({ region: REGION, endpoint: emulators.dynamodbEndpoint });
  const s3 = createS3Client({ region: REGION, endpoint: emulators.s3Endpoint });
  try {
    await provisionStorage({ dynamodb: dynamodbClient, s3, names });
    return await work({
      names,
      dynamodbEndpoint: emulators.dynamodbEndpoint,
      s3Endpoint: emulators.s3Endpoint,
      documentClient: documentClientFor(dynamodbClient),
      dynamodbClient,
      s3,
      artifactStore: new S3ArtifactStore(s3, names.bucket),
      destroy: async () => undefined,
    }, emulators.pids);
  } finally {
    dynamodbClient.destroy();
    s3.destroy();
    await emulators.stop();
  }
}
