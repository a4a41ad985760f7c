import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readCloudAssembly } from '../../../infra/rehearse/assembly';
import { Deployment, stackOutputs } from '../../../infra/rehearse/deployment';
import { loadFunctions } from '../../../infra/rehearse/functions';

const directory = mkdtempSync(join(tmpdir(), 'nightshift-rehearse-assembly-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

/** Two stacks as cdk synth writes them: the second reads the first through Fn::GetStackOutput. */
function writeAssembly(): void {
  const stack = (name: string, resources: unknown, outputs: unknown = {}) => writeFileSync(join(directory, `${name}.template.json`), JSON.stringify({ Resources: resources, Outputs: outputs }));
  stack('Data', { Table: { Type: 'AWS::DynamoDB::Table', Properties: {} } }, { TableArnOut: { Value: { 'Fn::GetAtt': ['Table', 'Arn'] } }, TableNameOut: { Value: { Ref: 'Table' } } });
  const fromData = (output: string) => ({ 'Fn::GetStackOutput': { StackName: 'Data', Region: { Ref: 'AWS::Region' }, OutputName: output } });
  stack('Code', {
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
  }, { QueueArn: { Value: { 'Fn::GetAtt': ['Queue', 'Arn'] } } });
  mkdirSync(join(directory, 'asset.abc123'), { recursive: true });
  writeFileSync(join(directory, 'asset.abc123', 'index.mjs'), 'export const handler = async () => 1;');
  writeFileSync(join(directory, 'Code.assets.json'), JSON.stringify({ files: { abc123: { source: { path: 'asset.abc123', packaging: 'zip' } } } }));
  writeFileSync(
    join(directory, 'manifest.json'),
    JSON.stringify({
      artifacts: {
        'Code.assets': { type: 'cdk:asset-manifest', properties: { file: 'Code.assets.json' } },
        Code: { type: 'aws:cloudformation:stack', properties: { templateFile: 'Code.template.json' }, dependencies: ['Data', 'Code.assets'] },
        Data: { type: 'aws:cloudformation:stack', properties: { templateFile: 'Data.template.json' } },
      },
    }),
  );
}

describe('the rehearsal deployment of a cloud assembly', () => {
  it('orders stacks by dependency and resolves intrinsics across them to CloudFormation-like names', () => {
    // Prepare
    writeAssembly();
    const assembly = readCloudAssembly(directory);
    const deployment = new Deployment(assembly, { account: '123456789012', region: 'eu-west-1', partition: 'aws', urlSuffix: 'amazonaws.com', endpoint: 'http://127.0.0.1:4000' });

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
