import { createHash } from 'node:crypto';
import type { TemplateResource } from './assembly';

/** Where the rehearsal "deploys": a made-up account and region, as a real deploy would have. */
export interface DeployTarget {
  account: string;
  region: string;
  partition: string;
  urlSuffix: string;
  /** The rehearsal's AWS endpoint: SQS queue URLs point here, as they point at SQS in AWS. */
  endpoint: string;
}

/** What `Ref` and `Fn::GetAtt` give for one resource once it "exists". */
export interface PhysicalResource {
  ref: string;
  attributes: Record<string, string>;
}

/**
 * The names CloudFormation would generate (stack name, logical id, a suffix), deterministic so
 * two rehearsals of one assembly name everything alike. A `Name`-like property wins, as in AWS.
 */
export function physicalResource(stackName: string, logicalId: string, resource: TemplateResource, props: Record<string, unknown>, target: DeployTarget): PhysicalResource {
  const { account, region, partition } = target;
  const suffix = shortHash(`${stackName}/${logicalId}`);
  const generated = `${stackName}-${logicalId}`.slice(0, 50) + `-${suffix}`;
  const named = (key: string): string => (typeof props[key] === 'string' ? (props[key]) : generated);
  const arn = (service: string, resourcePart: string, regional = true): string => `arn:${partition}:${service}:${regional ? region : ''}:${regional ? account : ''}:${resourcePart}`;
  switch (resource.Type) {
    case 'AWS::DynamoDB::Table': {
      const name = named('TableName');
      return { ref: name, attributes: { Arn: arn('dynamodb', `table/${name}`), StreamArn: arn('dynamodb', `table/${name}/stream/2026-01-01T00:00:00.000`) } };
    }
    case 'AWS::S3::Bucket': {
      const name = typeof props['BucketName'] === 'string' ? (props['BucketName']) : generated.toLowerCase().slice(0, 63);
      return { ref: name, attributes: { Arn: `arn:${partition}:s3:::${name}`, DomainName: `${name}.s3.amazonaws.com`, RegionalDomainName: `${name}.s3.${region}.amazonaws.com` } };
    }
    case 'AWS::Lambda::Function': {
      const name = named('FunctionName');
      return { ref: name, attributes: { Arn: arn('lambda', `function:${name}`) } };
    }
    case 'AWS::IAM::Role': {
      const name = named('RoleName').slice(0, 64);
      return { ref: name, attributes: { Arn: `arn:${partition}:iam::${account}:role/${name}`, RoleId: `AROA${suffix.toUpperCase()}` } };
    }
    case 'AWS::SQS::Queue': {
      const name = named('QueueName').slice(0, 80);
      const url = `${target.endpoint}/${account}/${name}`;
      return { ref: url, attributes: { Arn: arn('sqs', name), QueueName: name, QueueUrl: url } };
    }
    case 'AWS::SNS::Topic': {
      const name = named('TopicName');
      const topicArn = arn('sns', name);
      return { ref: topicArn, attributes: { TopicArn: topicArn, TopicName: name } };
    }
    case 'AWS::SecretsManager::Secret': {
      const name = typeof props['Name'] === 'string' ? (props['Name']) : `${logicalId}-${suffix}`;
      const secretArn = arn('secretsmanager', `secret:${name}-${suffix.slice(0, 6)}`);
      return { ref: secretArn, attributes: { Id: secretArn } };
    }
    case 'AWS::KMS::Key': {
      const keyId = uuidFrom(suffix);
      return { ref: keyId, attributes: { Arn: arn('kms', `key/${keyId}`), KeyId: keyId } };
    }
    case 'AWS::Logs::LogGroup': {
      const name = named('LogGroupName');
      return { ref: name, attributes: { Arn: arn('logs', `log-group:${name}:*`) } };
    }
    case 'AWS::ApiGatewayV2::Api': {
      const id = suffix.slice(0, 10);
      return { ref: id, attributes: { ApiId: id, ApiEndpoint: `https://${id}.execute-api.${region}.amazonaws.com` } };
    }
    case 'AWS::Scheduler::ScheduleGroup':
    case 'AWS::Scheduler::Schedule': {
      const name = named('Name');
      const group = typeof props['GroupName'] === 'string' ? (props['GroupName']) : 'default';
      const part = resource.Type === 'AWS::Scheduler::Schedule' ? `schedule/${group}/${name}` : `schedule-group/${name}`;
      return { ref: name, attributes: { Arn: arn('scheduler', part) } };
    }
    case 'AWS::CloudWatch::Alarm': {
      const name = named('AlarmName');
      return { ref: name, attributes: { Arn: arn('cloudwatch', `alarm:${name}`) } };
    }
    default:
      // Stages, routes, integrations, policies, permissions…: an opaque id is all a Ref gives.
      return { ref: `${logicalId.slice(0, 20).toLowerCase()}${suffix.slice(0, 6)}`, attributes: {} };
  }
}

function shortHash(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 12);
}

function uuidFrom(seed: string): string {
  const hex = createHash('sha256').update(seed).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

/**
 * A template or request value as text: a string, a number or a boolean as written; anything else
 * (absent, an object an intrinsic left unresolved) is `fallback`. Never `[object Object]`.
 */
export function textOf(value: unknown, fallback = ''): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return fallback;
}
