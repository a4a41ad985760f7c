import { CreateTableCommand, UpdateTimeToLiveCommand, type CreateTableCommandInput } from '@aws-sdk/client-dynamodb';
import { CreateBucketCommand } from '@aws-sdk/client-s3';
import { createDynamoDbClient, createS3Client } from '../../functions/adapters/aws-clients';
import type { Deployment } from './deployment';

/**
 * Creates the template's tables (keys, indexes, TTL as declared there, not as the code thinks
 * they are) in DynamoDB Local and its buckets in the S3 emulator, under the rehearsal's names.
 */
export async function createStatefulResources(deployment: Deployment, endpoints: { dynamodb: string; s3: string }): Promise<void> {
  const region = deployment.target.region;
  const dynamodb = createDynamoDbClient({ region, endpoint: endpoints.dynamodb });
  const s3 = createS3Client({ region, endpoint: endpoints.s3 });
  try {
    for (const table of deployment.resources('AWS::DynamoDB::Table')) {
      const props = table.props;
      const input: CreateTableCommandInput = {
        TableName: table.physical.ref,
        AttributeDefinitions: props['AttributeDefinitions'] as CreateTableCommandInput['AttributeDefinitions'],
        KeySchema: props['KeySchema'] as CreateTableCommandInput['KeySchema'],
        BillingMode: (props['BillingMode'] as CreateTableCommandInput['BillingMode']) ?? 'PROVISIONED',
        ...(props['BillingMode'] === 'PAY_PER_REQUEST' ? {} : { ProvisionedThroughput: (props['ProvisionedThroughput'] as CreateTableCommandInput['ProvisionedThroughput']) ?? { ReadCapacityUnits: 5, WriteCapacityUnits: 5 } }),
        ...(props['GlobalSecondaryIndexes'] ? { GlobalSecondaryIndexes: props['GlobalSecondaryIndexes'] as CreateTableCommandInput['GlobalSecondaryIndexes'] } : {}),
        ...(props['LocalSecondaryIndexes'] ? { LocalSecondaryIndexes: props['LocalSecondaryIndexes'] as CreateTableCommandInput['LocalSecondaryIndexes'] } : {}),
      };
      await dynamodb.send(new CreateTableCommand(input));
      const ttl = props['TimeToLiveSpecification'] as { AttributeName?: string; Enabled?: boolean } | undefined;
      if (ttl?.Enabled && ttl.AttributeName) {
        await dynamodb.send(new UpdateTimeToLiveCommand({ TableName: table.physical.ref, TimeToLiveSpecification: { AttributeName: ttl.AttributeName, Enabled: true } })).catch(() => undefined);
      }
    }
    for (const bucket of deployment.resources('AWS::S3::Bucket')) await s3.send(new CreateBucketCommand({ Bucket: bucket.physical.ref }));
  } finally {
    dynamodb.destroy();
    s3.destroy();
  }
}
