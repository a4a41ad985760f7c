import { SNSClient } from '@aws-sdk/client-sns';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { S3Client } from '@aws-sdk/client-s3';
import { SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

export interface AwsClientOptions {
  region: string;
  /** Set only for the local emulators; in AWS the SDK resolves the regional endpoint. */
  endpoint?: string;
  /** SDK attempts per request, retries included; readiness probes use 1 to fail fast. */
  maxAttempts?: number;
}

/** s3rver accepts only its own fixed key pair. */
const S3RVER_CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };
/** DynamoDB Local runs with -sharedDb, so any fixed pair sees the same tables. */
const DYNAMODB_LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' };

export function createDynamoDbClient(options: AwsClientOptions): DynamoDBClient {
  if (options.endpoint === undefined) return new DynamoDBClient({ region: options.region, maxAttempts: options.maxAttempts });
  return new DynamoDBClient({
    region: options.region,
    maxAttempts: options.maxAttempts,
    endpoint: options.endpoint,
    credentials: DYNAMODB_LOCAL_CREDENTIALS,
  });
}

/**
 * Records keep absent optional fields absent (`removeUndefinedValues`), and only plain objects
 * become maps: a class instance (a Date, a Luxon DateTime) reaching the table is a bug to surface,
 * not something to serialise silently.
 */
export function documentClientFor(client: DynamoDBClient): DynamoDBDocumentClient {
  return DynamoDBDocumentClient.from(client, {
    marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false },
  });
}

/**
 * `destroy()` on a document client is a no-op in lib-dynamodb; callers that need to release
 * sockets should create the base client themselves and use `documentClientFor`.
 */
export function createDynamoDbDocumentClient(options: AwsClientOptions): DynamoDBDocumentClient {
  return documentClientFor(createDynamoDbClient(options));
}

export function createS3Client(options: AwsClientOptions): S3Client {
  if (options.endpoint === undefined) return new S3Client({ region: options.region, maxAttempts: options.maxAttempts });
  return new S3Client({
    region: options.region,
    maxAttempts: options.maxAttempts,
    endpoint: options.endpoint,
    credentials: S3RVER_CREDENTIALS,
    // s3rver serves buckets as paths on one host, not as subdomains.
    forcePathStyle: true,
    // s3rver does not understand the aws-chunked encoding that default checksums use: streamed
    // uploads would be stored with the chunk framing inside the object.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
}

export function createLambdaClient(options: AwsClientOptions): LambdaClient {
  if (options.endpoint === undefined) return new LambdaClient({ region: options.region, maxAttempts: options.maxAttempts });
  return new LambdaClient({ region: options.region, maxAttempts: options.maxAttempts, endpoint: options.endpoint });
}

export function createSqsClient(options: AwsClientOptions): SQSClient {
  if (options.endpoint === undefined) return new SQSClient({ region: options.region, maxAttempts: options.maxAttempts });
  return new SQSClient({ region: options.region, maxAttempts: options.maxAttempts, endpoint: options.endpoint });
}

export function createSnsClient(options: AwsClientOptions): SNSClient {
  if (options.endpoint === undefined) return new SNSClient({ region: options.region, maxAttempts: options.maxAttempts });
  return new SNSClient({ region: options.region, maxAttempts: options.maxAttempts, endpoint: options.endpoint });
}
