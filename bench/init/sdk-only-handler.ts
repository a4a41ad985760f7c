import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/**
 * The init benchmark's anchor (bench/init/main.ts): a Lambda handler that builds the SDK clients
 * nearly every Nightshift function builds, DynamoDB's document client and S3's, and nothing else.
 */
const documents = DynamoDBDocumentClient.from(new DynamoDBClient({ region: process.env['AWS_REGION'] }));
const s3 = new S3Client({ region: process.env['AWS_REGION'] });

export const handler = async (): Promise<{ clients: number }> => ({ clients: [documents, s3].length });
