import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyticsTable, jobsTable } from '../../functions/adapters/dynamodb/tables';
import { apiFunction, jobCatalog, jobFunctionSpec } from '../../functions/catalog';
import { FUNCTION_TIMEOUT_RESERVE_MS } from '../../functions/jobs/job-type-definition';
import { parseConfig } from '../../functions/core/config';
import { buildApp } from '../../infra/app';

type Json = Record<string, unknown>;
type Resource = { Type: string; Properties: Json };

const deployedAt = '2026-11-22T10:00:00.000Z';
const functionName = (name: string) => `Nightshift-Stateless-${name}`;

const config = parseConfig({
  timezone: 'America/Los_Angeles',
  schedules: {
    sweeper: { job: 'sweeper', expression: 'rate(5 minutes)' },
    'nightly-sweep': { job: 'sweeper', expression: 'cron(30 3 * * ? *)', timezone: 'Europe/Berlin', enabled: false },
  },
  retention: { exportsDays: 14, rawEventsDays: 45 },
});

let outdir: string;
let stateful: Template;
let stateless: Template;

beforeAll(() => {
  // Prepare: the assembly goes to a temp dir this file owns (no bundles: security.test.ts checks those).
  outdir = mkdtempSync(join(tmpdir(), 'nightshift-cdk-test-'));
  // Act: one synth for the whole file.
  const built = buildApp({ config, outdir, deployedAt, bundle: false });
  stateful = Template.fromStack(built.stateful);
  stateless = Template.fromStack(built.stateless);
});

afterAll(() => {
  rmSync(outdir, { recursive: true, force: true });
});

describe('stateful stack: tables', () => {
  it('builds Jobs and Analytics from the shared definitions, retained and protected', () => {
    // Assess
    stateful.resourceCountIs('AWS::DynamoDB::Table', 2);
    for (const definition of [jobsTable, analyticsTable]) {
      const keySchema = [
        { AttributeName: definition.partitionKey.name, KeyType: 'HASH' },
        ...(definition.sortKey ? [{ AttributeName: definition.sortKey.name, KeyType: 'RANGE' }] : []),
      ];
      stateful.hasResource('AWS::DynamoDB::Table', {
        DeletionPolicy: 'Retain',
        UpdateReplacePolicy: 'Retain',
        Properties: Match.objectLike({
          KeySchema: keySchema,
          BillingMode: 'PAY_PER_REQUEST',
          PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
          TimeToLiveSpecification: { AttributeName: definition.ttlAttribute, Enabled: true },
          DeletionProtectionEnabled: true,
        }),
      });
    }
  });

  it('gives Jobs its type and status indexes sorted by createdAt, projecting everything', () => {
    // Assess
    const jobs = tableWithPartitionKey(stateful, 'id');
    expect(jobs.Properties['GlobalSecondaryIndexes']).toEqual([
      { IndexName: 'byType', KeySchema: [{ AttributeName: 'type', KeyType: 'HASH' }, { AttributeName: 'createdAt', KeyType: 'RANGE' }], Projection: { ProjectionType: 'ALL' } },
      { IndexName: 'byStatus', KeySchema: [{ AttributeName: 'status', KeyType: 'HASH' }, { AttributeName: 'createdAt', KeyType: 'RANGE' }], Projection: { ProjectionType: 'ALL' } },
    ]);
    expect(tableWithPartitionKey(stateful, 'pk').Properties['GlobalSecondaryIndexes']).toBeUndefined();
  });
});

describe('stateful stack: artifacts bucket', () => {
  it('blocks public access, encrypts, keeps no versions and is retained', () => {
    // Assess
    stateful.hasResource('AWS::S3::Bucket', {
      DeletionPolicy: 'Retain',
      Properties: Match.objectLike({
        PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
        BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
        VersioningConfiguration: Match.absent(),
      }),
    });
  });

  it('denies every request that does not use TLS', () => {
    // Assess
    stateful.hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Action: 's3:*', Principal: { AWS: '*' }, Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
  });

  it('expires each prefix after its configured days and aborts stale multipart uploads', () => {
    // Prepare
    const expected: Record<string, number> = {
      'snapshots/daily/': 90,
      'snapshots/weekly/': 730,
      'snapshots/monthly/': 1825,
      'sampling-proofs/': 365,
      'exports/': 14,
      'logs/': 30,
      'scripts/': 30,
      'events/': 45,
      'runs/': 90,
      // Held outputs live as long as run records: a release needs its run.
      'quarantine/': 90,
    };
    // Act
    const rules = (onlyResource(stateful, 'AWS::S3::Bucket').Properties['LifecycleConfiguration'] as { Rules: Json[] }).Rules;
    // Assess
    const expirations = Object.fromEntries(rules.filter((rule) => rule['Prefix'] !== undefined).map((rule) => [rule['Prefix'], rule['ExpirationInDays']]));
    expect(expirations).toEqual(expected);
    expect(rules).toContainEqual(expect.objectContaining({ AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 }, Status: 'Enabled' }));
  });
});

describe('stateless stack: functions', () => {
  const specs = [
    ...jobCatalog.map((definition) => jobFunctionSpec(definition, config)).map((spec) => ({ name: spec.name, memoryMb: spec.memoryMb, timeoutSeconds: spec.timeoutSeconds, reserved: spec.maxConcurrency })),
    { name: apiFunction.name, memoryMb: apiFunction.memoryMb, timeoutSeconds: apiFunction.timeoutSeconds, reserved: undefined },
  ];

  it('makes one function per catalog entry plus the API and its authorizer', () => {
    // Assess
    // The authorizer is tested in test/infra/auth.test.ts.
    stateless.resourceCountIs('AWS::Lambda::Function', jobCatalog.length + 2);
  });

  it.each(specs)('runs $name on Node 22 arm64 with the catalog memory, timeout and concurrency', (spec) => {
    // Assess
    // Image functions (the script runner) take runtime and handler from their image: see test/infra/script-runner.test.ts.
    const zip = spec.name !== 'script-run';
    stateless.hasResourceProperties('AWS::Lambda::Function', {
      FunctionName: functionName(spec.name),
      Runtime: zip ? 'nodejs22.x' : Match.absent(),
      Architectures: ['arm64'],
      Handler: zip ? 'index.handler' : Match.absent(),
      MemorySize: spec.memoryMb,
      Timeout: spec.timeoutSeconds,
      ReservedConcurrentExecutions: spec.reserved ?? Match.absent(),
    });
  });

  it.each(jobCatalog.map((definition) => ({ type: definition.type, timeoutMs: definition.timeoutMs })))(
    "gives $type's function its definition's run limit ($timeoutMs ms) plus the time to record the result",
    ({ type, timeoutMs }) => {
      // Act
      const timeoutSeconds = functionNamed(type).Properties['Timeout'] as number;

      // Assess: the run ends at its own limit and still has the reserve to write its end; past
      // Lambda's 15-minute ceiling the run's limit is cut by Lambda's remaining time instead.
      if (timeoutMs + FUNCTION_TIMEOUT_RESERVE_MS > 900_000) {
        expect(timeoutSeconds).toBe(900);
      } else {
        expect(timeoutSeconds * 1000 - timeoutMs).toBeGreaterThanOrEqual(FUNCTION_TIMEOUT_RESERVE_MS);
        expect(timeoutSeconds * 1000 - timeoutMs).toBeLessThan(FUNCTION_TIMEOUT_RESERVE_MS + 1000);
      }
    },
  );

  it.each(specs)('logs $name to its own log group kept one month', (spec) => {
    // Act
    const fn = functionNamed(spec.name);
    const logGroupId = ((fn.Properties['LoggingConfig'] as Json)['LogGroup'] as { Ref: string }).Ref;
    // Assess
    expect(stateless.toJSON()['Resources'][logGroupId]).toMatchObject({ Type: 'AWS::Logs::LogGroup', Properties: { RetentionInDays: 30 } });
  });

  it.each(specs)('gives $name the environment the runtime reads', (spec) => {
    // Act
    const variables = (functionNamed(spec.name).Properties['Environment'] as { Variables: Json }).Variables;
    // Assess
    expect(variables).toMatchObject({
      NIGHTSHIFT_JOB_TYPE: spec.name,
      NIGHTSHIFT_DEPLOYED_AT: deployedAt,
      NIGHTSHIFT_VERSION: (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version,
      POWERTOOLS_SERVICE_NAME: 'nightshift',
      NODE_OPTIONS: '--enable-source-maps',
    });
    expect(JSON.parse(String(variables['NIGHTSHIFT_JOB_FUNCTIONS']))).toEqual(Object.fromEntries(jobCatalog.map((e) => [e.type, functionName(e.type)])));
    expect(statefulOutputTarget(variables['JOBS_TABLE'])).toEqual({ Ref: logicalId(stateful, 'AWS::DynamoDB::Table', (r) => keyName(r) === 'id') });
    expect(statefulOutputTarget(variables['ANALYTICS_TABLE'])).toEqual({ Ref: logicalId(stateful, 'AWS::DynamoDB::Table', (r) => keyName(r) === 'pk') });
    expect(statefulOutputTarget(variables['ARTIFACTS_BUCKET'])).toEqual({ Ref: logicalId(stateful, 'AWS::S3::Bucket', () => true) });
    expect(variables['NIGHTSHIFT_CONFIG_JSON']).toBeUndefined();
  });

  it('lets the API and the sweeper invoke every job function, and nothing else', () => {
    // Prepare
    const jobArns = jobCatalog.map((e) => `arn:\${AWS::Partition}:lambda:\${AWS::Region}:\${AWS::AccountId}:function:${functionName(e.type)}`).sort();
    // Act
    const invokable = (name: string) => invokeResources(roleStatements(functionNamed(name))).sort();
    // Assess
    expect(invokable(apiFunction.name)).toEqual(jobArns);
    expect(invokable('sweeper')).toEqual(jobArns);
  });
});

describe('stateless stack: schedules', () => {
  it('puts every schedule in one group and delivers failures to an encrypted, TLS-only DLQ', () => {
    // Assess
    stateless.resourceCountIs('AWS::Scheduler::ScheduleGroup', 1);
    stateless.resourceCountIs('AWS::Scheduler::Schedule', 2);
    stateless.hasResourceProperties('AWS::SQS::Queue', { SqsManagedSseEnabled: true });
    stateless.hasResourceProperties('AWS::SQS::QueuePolicy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]) },
    });
  });

  it.each([
    { name: 'sweeper', expression: 'rate(5 minutes)', timezone: 'America/Los_Angeles', state: 'ENABLED' },
    { name: 'nightly-sweep', expression: 'cron(30 3 * * ? *)', timezone: 'Europe/Berlin', state: 'DISABLED' },
  ])('schedules $name in its time zone, $state, with retries, a DLQ and the slot time', (expected) => {
    // Act
    const schedule = onlyResource(stateless, 'AWS::Scheduler::Schedule', (r) => r.Properties['Name'] === expected.name).Properties;
    const target = schedule['Target'] as Json;
    // Assess
    expect(schedule).toMatchObject({
      ScheduleExpression: expected.expression,
      ScheduleExpressionTimezone: expected.timezone,
      State: expected.state,
      FlexibleTimeWindow: { Mode: 'OFF' },
      GroupName: { Ref: logicalId(stateless, 'AWS::Scheduler::ScheduleGroup', () => true) },
    });
    expect(target['Arn']).toEqual({ 'Fn::GetAtt': [logicalId(stateless, 'AWS::Lambda::Function', (r) => r.Properties['FunctionName'] === functionName('sweeper')), 'Arn'] });
    expect(target['RetryPolicy']).toEqual({ MaximumRetryAttempts: 3, MaximumEventAgeInSeconds: 3600 });
    expect(target['DeadLetterConfig']).toEqual({ Arn: { 'Fn::GetAtt': [expect.stringMatching(/^ScheduleDlq/), 'Arn'] } });
    expect(JSON.parse(String(target['Input']))).toEqual({
      type: 'sweeper',
      trigger: 'schedule',
      scheduleName: expected.name,
      scheduledFor: '<aws.scheduler.scheduled-time>',
      params: {},
    });
  });
});

describe('stateless stack: delay queue (debounced rollups)', () => {
  const queueId = (prefix: string): string => {
    const ids = Object.keys(resourcesOfType(stateless, 'AWS::SQS::Queue')).filter((id) => id.startsWith(prefix));
    expect(ids, `exactly one queue ${prefix}*`).toHaveLength(1);
    return ids[0]!;
  };

  it('is encrypted, TLS-only, and hands a message to its DLQ after three receives', () => {
    // Act
    const queues = resourcesOfType(stateless, 'AWS::SQS::Queue');
    const delay = queues[queueId('DelayQueue')]!.Properties;
    const rollupTimeout = functionNamed('rollup').Properties['Timeout'] as number;
    const tlsOnly = Object.values(resourcesOfType(stateless, 'AWS::SQS::QueuePolicy')).filter((policy) =>
      (policy.Properties['Queues'] as Array<{ Ref: string }>).some((q) => q.Ref === queueId('DelayQueue') || q.Ref === queueId('DelayDlq')),
    );

    // Assess
    expect(delay).toMatchObject({
      SqsManagedSseEnabled: true,
      VisibilityTimeout: 6 * rollupTimeout,
      RedrivePolicy: { deadLetterTargetArn: { 'Fn::GetAtt': [queueId('DelayDlq'), 'Arn'] }, maxReceiveCount: 3 },
    });
    expect(queues[queueId('DelayDlq')]!.Properties).toMatchObject({ SqsManagedSseEnabled: true, MessageRetentionPeriod: 14 * 86_400 });
    expect(tlsOnly).toHaveLength(2);
    for (const policy of tlsOnly) {
      expect(JSON.stringify(policy.Properties['PolicyDocument'])).toContain('"aws:SecureTransport":"false"');
    }
  });

  it('feeds the rollup function one message at a time, reporting failures per item', () => {
    // Assess
    stateless.resourceCountIs('AWS::Lambda::EventSourceMapping', 1);
    stateless.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: { 'Fn::GetAtt': [queueId('DelayQueue'), 'Arn'] },
      FunctionName: { Ref: logicalId(stateless, 'AWS::Lambda::Function', (r) => r.Properties['FunctionName'] === functionName('rollup')) },
      BatchSize: 1,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
  });

  it('lets only the API and the rollup send to it, and tells them where it is', () => {
    // Prepare
    const senders = (name: string) =>
      roleStatements(functionNamed(name)).filter((statement) => [statement['Action']].flat().includes('sqs:SendMessage'));
    const queueUrl = (name: string) => ((functionNamed(name).Properties['Environment'] as { Variables: Json }).Variables)['NIGHTSHIFT_DELAY_QUEUE_URL'];

    // Assess
    for (const name of [apiFunction.name, 'rollup']) {
      expect(senders(name).map((statement) => statement['Resource'])).toEqual([{ 'Fn::GetAtt': [queueId('DelayQueue'), 'Arn'] }]);
      expect(queueUrl(name)).toEqual({ Ref: queueId('DelayQueue') });
    }
    expect(senders('sweeper')).toEqual([]);
    expect(queueUrl('sweeper')).toBeUndefined();
  });
});

describe('stateless stack: HTTP API', () => {
  it('has exactly the routes of apiFunction.routes, all on the API function with payload 2.0', () => {
    // Act
    const routeKeys = Object.values(resourcesOfType(stateless, 'AWS::ApiGatewayV2::Route')).map((r) => r.Properties['RouteKey']);
    // Assess
    expect(routeKeys.sort()).toEqual(apiFunction.routes.map((route) => `${route.method} ${route.path}`).sort());
    const apiFunctionId = logicalId(stateless, 'AWS::Lambda::Function', (r) => r.Properties['FunctionName'] === functionName(apiFunction.name));
    stateless.resourceCountIs('AWS::ApiGatewayV2::Integration', 1);
    stateless.hasResourceProperties('AWS::ApiGatewayV2::Integration', {
      IntegrationType: 'AWS_PROXY',
      PayloadFormatVersion: '2.0',
      IntegrationUri: { 'Fn::GetAtt': [apiFunctionId, 'Arn'] },
    });
  });

  it('outputs the API URL, the Jobs table, the bucket, the schedule group and the alert topic (console links: security.test.ts)', () => {
    // Act
    const outputs = Object.keys(stateless.findOutputs('*')).filter((id) => !id.endsWith('ConsoleUrl'));
    // Assess
    expect(outputs.sort()).toEqual(['AlertTopicArn', 'ApiUrl', 'ArtifactsBucketName', 'DashboardUrl', 'JobsTableName', 'ScheduleGroupName', 'TokenCommand', 'TokensSecretArn']);
  });
});

describe('stateless stack: sampling-proof alert topic', () => {
  it('is encrypted, TLS-only, and only the proof and rollup functions (the hourly watch) may publish, knowing where', () => {
    // Prepare
    const topics = resourcesOfType(stateless, 'AWS::SNS::Topic');
    const [topicId] = Object.keys(topics);
    const publishers = (name: string) => roleStatements(functionNamed(name)).filter((statement) => [statement['Action']].flat().includes('sns:Publish'));
    const topicArnOf = (name: string) => ((functionNamed(name).Properties['Environment'] as { Variables: Json }).Variables)['NIGHTSHIFT_ALERT_TOPIC_ARN'];
    const policies = Object.values(resourcesOfType(stateless, 'AWS::SNS::TopicPolicy'));

    // Assess
    expect(Object.keys(topics)).toHaveLength(1);
    // A customer-managed key whose policy lets CloudWatch alarms publish (the AWS-managed key cannot).
    const [keyId] = Object.keys(resourcesOfType(stateless, 'AWS::KMS::Key'));
    expect(topics[topicId!]!.Properties['KmsMasterKeyId']).toEqual({ 'Fn::GetAtt': [keyId, 'Arn'] });
    const keyPolicy = JSON.stringify(resourcesOfType(stateless, 'AWS::KMS::Key')[keyId!]!.Properties['KeyPolicy']);
    expect(keyPolicy).toContain('"Service":"cloudwatch.amazonaws.com"');
    expect(resourcesOfType(stateless, 'AWS::KMS::Key')[keyId!]!.Properties['EnableKeyRotation']).toBe(true);
    expect(policies).toHaveLength(1);
    expect(JSON.stringify(policies[0]!.Properties['PolicyDocument'])).toContain('"aws:SecureTransport":"false"');
    for (const publisher of ['sampling-proof', 'rollup']) {
      expect(publishers(publisher).map((statement) => statement['Resource'])).toEqual([{ Ref: topicId }]);
      expect(topicArnOf(publisher)).toEqual({ Ref: topicId });
    }
    for (const other of [apiFunction.name, 'sweeper']) {
      expect(publishers(other)).toEqual([]);
      expect(topicArnOf(other)).toBeUndefined();
    }
  });
});

function resourcesOfType(template: Template, type: string): Record<string, Resource> {
  return template.findResources(type) as Record<string, Resource>;
}

function logicalId(template: Template, type: string, predicate: (resource: Resource) => boolean): string {
  const matches = Object.entries(resourcesOfType(template, type)).filter(([, resource]) => predicate(resource));
  expect(matches, `exactly one ${type} matches`).toHaveLength(1);
  return matches[0]![0];
}

function onlyResource(template: Template, type: string, predicate: (resource: Resource) => boolean = () => true): Resource {
  return resourcesOfType(template, type)[logicalId(template, type, predicate)]!;
}

function keyName(table: Resource): unknown {
  return (table.Properties['KeySchema'] as Array<{ AttributeName: string }>)[0]?.AttributeName;
}

function tableWithPartitionKey(template: Template, name: string): Resource {
  return onlyResource(template, 'AWS::DynamoDB::Table', (table) => keyName(table) === name);
}

function functionNamed(name: string): Resource {
  return onlyResource(stateless, 'AWS::Lambda::Function', (r) => r.Properties['FunctionName'] === functionName(name));
}

/** What a `Fn::GetStackOutput` of the stateful stack resolves to: that output's value. */
function statefulOutputTarget(value: unknown): unknown {
  const reference = (value as { 'Fn::GetStackOutput'?: { StackName: string; OutputName: string } })['Fn::GetStackOutput'];
  expect(reference?.StackName).toBe('Nightshift-Stateful');
  return (stateful.findOutputs(reference!.OutputName)[reference!.OutputName] as { Value: unknown }).Value;
}

/** Every statement of every inline policy attached to the function's role. */
function roleStatements(fn: Resource): Json[] {
  const roleId = (fn.Properties['Role'] as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
  return Object.values(resourcesOfType(stateless, 'AWS::IAM::Policy'))
    .filter((policy) => (policy.Properties['Roles'] as Array<{ Ref: string }>).some((role) => role.Ref === roleId))
    .flatMap((policy) => (policy.Properties['PolicyDocument'] as { Statement: Json[] }).Statement);
}

function invokeResources(statements: Json[]): string[] {
  return statements
    .filter((statement) => [statement['Action']].flat().some((action) => String(action).startsWith('lambda:')))
    .flatMap((statement) => [statement['Resource']].flat().map(renderArn));
}

/** Flattens `Fn::Join` / `Ref` into a readable string such as `arn:${AWS::Partition}:lambda:...`. */
function renderArn(value: unknown): string {
  if (typeof value === 'string') return value;
  const object = value as { 'Fn::Join'?: [string, unknown[]]; Ref?: string };
  if (object['Fn::Join']) return object['Fn::Join'][1].map(renderArn).join(object['Fn::Join'][0]);
  if (object.Ref) return `\${${object.Ref}}`;
  return JSON.stringify(value);
}
