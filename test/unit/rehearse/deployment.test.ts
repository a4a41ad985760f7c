import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readCloudAssembly } from '../../../infra/rehearse/assembly';
import { Deployment, stackOutputs } from '../../../infra/rehearse/deployment';
import { loadFunctions } from '../../../infra/rehearse/functions';
import { testTarget, writeCloudAssembly } from '../../helpers/cloud-assembly';

const directory = mkdtempSync(join(tmpdir(), 'nightshift-rehearse-assembly-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

/** Two stacks as cdk synth writes them: the second reads the first through Fn::GetStackOutput. */
function writeAssembly(): void {
  const fromData = (output: string) => ({ 'Fn::GetStackOutput': { StackName: 'Data', Region: { Ref: 'AWS::Region' }, OutputName: output } });
  writeCloudAssembly(directory, [
    {
      name: 'Code',
      dependsOn: ['Data'],
      assets: { abc123: { 'index.mjs': 'export const handler = async () => 1;' } },
      resources: {
        Queue: { Type: 'AWS::SQS::Queue', Properties: {} },
        Role: { Type: 'AWS::IAM::Role', Properties: {} },
        Fn: {
          Type: 'AWS::Lambda::Function',
          Properties: {
            FunctionName: 'code-fn',
            Runtime: 'nodejs22.x',
            Handler: 'index.handler',
            Role: { 'Fn::GetAtt': ['Role', 'Arn'] },
            Code: { S3Bucket: { 'Fn::Sub': 'cdk-assets-${AWS::AccountId}-${AWS::Region}' }, S3Key: 'abc123.zip' },
            Environment: {
              Variables: {
                TABLE: fromData('TableNameOut'),
                INDEX_ARN: { 'Fn::Join': ['', [fromData('TableArnOut'), '/index/byType']] },
                QUEUE_URL: { Ref: 'Queue' },
                SELF: { 'Fn::Sub': 'arn:${AWS::Partition}:lambda:${AWS::Region}:${AWS::AccountId}:function:code-fn' },
              },
            },
          },
        },
      },
      outputs: { QueueArn: { Value: { 'Fn::GetAtt': ['Queue', 'Arn'] } } },
    },
    {
      name: 'Data',
      resources: { Table: { Type: 'AWS::DynamoDB::Table', Properties: {} } },
      outputs: { TableArnOut: { Value: { 'Fn::GetAtt': ['Table', 'Arn'] } }, TableNameOut: { Value: { Ref: 'Table' } } },
    },
  ]);
}

describe('the rehearsal deployment of a cloud assembly', () => {
  it('orders stacks by dependency and resolves intrinsics across them to CloudFormation-like names', () => {
    // Prepare
    writeAssembly();
    const assembly = readCloudAssembly(directory);
    const deployment = new Deployment(assembly, testTarget);

    // Act
    const [fn] = loadFunctions(deployment, join(directory, 'work'));

    // Assess
    expect(assembly.stacks.map((stack) => stack.stackName)).toEqual(['Data', 'Code']);
    const table = deployment.resources('AWS::DynamoDB::Table')[0]?.physical.ref ?? '';
    expect(table).toMatch(/^Data-Table-[0-9a-f]{12}$/);
    expect(fn).toMatchObject({ name: 'code-fn', handler: 'index.handler', taskRoot: join(directory, 'asset.abc123'), arn: 'arn:aws:lambda:eu-west-1:123456789012:function:code-fn' });
    expect(fn?.environment).toEqual({
      TABLE: table,
      INDEX_ARN: `arn:aws:dynamodb:eu-west-1:123456789012:table/${table}/index/byType`,
      QUEUE_URL: expect.stringMatching(/^http:\/\/127\.0\.0\.1:4000\/123456789012\/Code-Queue-[0-9a-f]{12}$/),
      SELF: 'arn:aws:lambda:eu-west-1:123456789012:function:code-fn',
    });
    expect(fn?.roleArn).toMatch(/^arn:aws:iam::123456789012:role\/Code-Role-/);
    expect(stackOutputs(deployment)['QueueArn']).toMatch(/^arn:aws:sqs:eu-west-1:123456789012:Code-Queue-/);
  });
});
