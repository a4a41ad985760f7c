import { randomBytes } from 'node:crypto';
import { DeleteTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DeleteBucketCommand, DeleteObjectsCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { inject } from 'vitest';
import { createDynamoDbClient, createS3Client, documentClientFor } from '../../functions/adapters/aws-clients';
import { S3ArtifactStore } from '../../functions/adapters/s3/artifact-store';
import { provisionStorage, type StorageNames } from '../../infra/local/provision';

export interface TestStorage {
  names: StorageNames;
  dynamodbEndpoint: string;
  s3Endpoint: string;
  documentClient: DynamoDBDocumentClient;
  dynamodbClient: DynamoDBClient;
  s3: S3Client;
  artifactStore: S3ArtifactStore;
  /** Deletes the tables, empties and deletes the bucket, and closes the clients. */
  destroy(): Promise<void>;
}

const REGION = 'us-east-1';

/** Lowercase letters, digits and hyphens: valid in table names and in bucket names alike. */
function slug(prefix: string): string {
  const cleaned = prefix
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 30);
  return cleaned === '' ? 'test' : cleaned;
}

/**
 * Fresh tables and a fresh bucket on the run's shared emulators (see `test/global-setup.ts`), so
 * test files can run in parallel without seeing each other's data.
 */
export async function createTestStorage(prefix = 'test'): Promise<TestStorage> {
  const dynamodbEndpoint = inject('dynamodbEndpoint');
  const s3Endpoint = inject('s3Endpoint');
  const base = `${slug(prefix)}-${randomBytes(5).toString('hex')}`;
  const names: StorageNames = {
    jobsTable: `${base}-jobs`,
    analyticsTable: `${base}-analytics`,
    // Bucket names: 3–63 characters, starting and ending with a letter or digit.
    bucket: `ns-${base}`.slice(0, 63),
  };
  const dynamodbClient = createDynamoDbClient({ region: REGION, endpoint: dynamodbEndpoint });
  const s3 = createS3Client({ region: REGION, endpoint: s3Endpoint });
  await provisionStorage({ dynamodb: dynamodbClient, s3, names });

  const destroy = async (): Promise<void> => {
    try {
      await Promise.all([
        dynamodbClient.send(new DeleteTableCommand({ TableName: names.jobsTable })),
        dynamodbClient.send(new DeleteTableCommand({ TableName: names.analyticsTable })),
        emptyAndDeleteBucket(s3, names.bucket),
      ]);
    } finally {
      dynamodbClient.destroy();
      s3.destroy();
    }
  };

  return {
    names,
    dynamodbEndpoint,
    s3Endpoint,
    documentClient: documentClientFor(dynamodbClient),
    dynamodbClient,
    s3,
    artifactStore: new S3ArtifactStore(s3, names.bucket),
    destroy,
  };
}

async function emptyAndDeleteBucket(s3: S3Client, bucket: string): Promise<void> {
  for (;;) {
    const page = await s3.send(new ListObjectsV2Command({ Bucket: bucket, MaxKeys: 1000 }));
    const keys = (page.Contents ?? []).flatMap((object) => (object.Key === undefined ? [] : [{ Key: object.Key }]));
    if (keys.length === 0) break;
    await s3.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: keys, Quiet: true } }));
  }
  await s3.send(new DeleteBucketCommand({ Bucket: bucket }));
}
