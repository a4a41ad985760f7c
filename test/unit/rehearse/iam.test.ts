import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readCloudAssembly } from '../../../infra/rehearse/assembly';
import { DynamoDbService } from '../../../infra/rehearse/aws/dynamodb';
import { Deployment } from '../../../infra/rehearse/deployment';
import { grantUsage, IamAuthority } from '../../../infra/rehearse/iam';
import { testTarget, writeCloudAssembly } from '../../helpers/cloud-assembly';

const directory = mkdtempSync(join(tmpdir(), 'nightshift-rehearse-iam-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

const TABLE = 'arn:aws:dynamodb:eu-west-1:123456789012:table/Analytics';

/** A role that may read the table and write only the `rollup#written` partition (as the API's). */
function authority(): { iam: IamAuthority; caller: Parameters<IamAuthority['authorize']>[0] } {
  writeCloudAssembly(directory, [
    {
      name: 'App',
      resources: {
        Role: { Type: 'AWS::IAM::Role', Properties: { RoleName: 'api-role', AssumeRolePolicyDocument: { Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }] } } },
        Policy: {
          Type: 'AWS::IAM::Policy',
          Properties: {
            PolicyName: 'p',
            Roles: [{ Ref: 'Role' }],
            PolicyDocument: {
              Version: '2012-10-17',
              Statement: [
                { Effect: 'Allow', Action: ['dynamodb:GetItem', 'dynamodb:Query'], Resource: TABLE },
                { Effect: 'Allow', Action: ['dynamodb:PutItem', 'dynamodb:BatchWriteItem'], Resource: TABLE, Condition: { 'ForAllValues:StringEquals': { 'dynamodb:LeadingKeys': ['rollup#written'] } } },
              ],
            },
          },
        },
      },
    },
  ]);
  const iam = new IamAuthority(new Deployment(readCloudAssembly(directory), testTarget), '123456789012');
  return { iam, caller: { kind: 'identity', identity: { kind: 'function', name: 'api', principalArn: 'arn:aws:sts::123456789012:assumed-role/api-role/api', roleArn: 'arn:aws:iam::123456789012:role/api-role' } } };
}

const dynamodb = new DynamoDbService('http://unused', () => TABLE, () => 'pk');
const item = (pk: string) => ({ pk: { S: pk }, sk: { S: '2026-12-07T10' } });

describe('IAM call by call', () => {
  it('judges a LeadingKeys condition by the partition keys the request writes', async () => {
    // Prepare
    const { iam, caller } = authority();
    const decide = async (operation: string, input: Record<string, unknown>) => {
      const answers = [];
      for (const permission of dynamodb.permissionsFor(operation, input)) answers.push(await iam.authorize(caller, permission.action, permission.resource, permission.context));
      return answers.every(Boolean);
    };

    // Act
    const mark = await decide('PutItem', { TableName: 'Analytics', Item: item('rollup#written') });
    const stats = await decide('PutItem', { TableName: 'Analytics', Item: item('stats#orders#2026-12-06') });
    const mixedBatch = await decide('BatchWriteItem', { RequestItems: { Analytics: [{ PutRequest: { Item: item('rollup#written') } }, { PutRequest: { Item: item('stats#x') } }] } });
    const read = await decide('Query', { TableName: 'Analytics', KeyConditionExpression: '#pk = :pk', ExpressionAttributeNames: { '#pk': 'pk' }, ExpressionAttributeValues: { ':pk': { S: 'stats#x' } } });

    // Assess
    expect({ mark, stats, mixedBatch, read }).toEqual({ mark: true, stats: false, mixedBatch: false, read: true });
    expect(iam.records.filter((record) => !record.allowed).map((record) => record.action)).toEqual(['dynamodb:PutItem', 'dynamodb:BatchWriteItem']);
  });

  it('lists granted actions no allowed call used', async () => {
    // Prepare
    const { iam, caller } = authority();
    await iam.authorize(caller, 'dynamodb:GetItem', TABLE);

    // Act
    const unused = (await grantUsage(iam, 'arn:aws:iam::123456789012:role/api-role', 'api')).filter((grant) => !grant.used).map((grant) => grant.action);

    // Assess
    expect(unused).toEqual(['dynamodb:Query', 'dynamodb:PutItem', 'dynamodb:BatchWriteItem']);
  });
});
