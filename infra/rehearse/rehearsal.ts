import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { startEmulators, type Emulators } from '../local/emulators';
import { readCloudAssembly } from './assembly';
import { LambdaApiService } from './aws/lambda-api';
import { S3Service } from './aws/s3';
import { SecretsManagerService } from './aws/secrets-manager';
import { SnsService } from './aws/sns';
import { SqsService } from './aws/sqs';
import { DynamoDbService } from './aws/dynamodb';
import { HttpApi } from './api-gateway';
import { readAlarms } from './cloudwatch/alarms';
import { CloudWatch } from './cloudwatch/cloudwatch';
import { MetricStore } from './cloudwatch/metric-store';
import { Deployment, stackOutputs } from './deployment';
import { startEventSources, type EventSourceStats } from './event-sources';
import { loadFunctions, type LambdaFunction } from './functions';
import { AwsEndpoint } from './gateway';
import { IamAuthority } from './iam';
import { IdentityRegistry, type Credentials } from './identities';
import { LambdaService } from './lambda-service';
import { node22Binary } from './node22';
import { Scheduler } from './scheduler';
import { createStatefulResources } from './stateful-resources';
import { Timeline, VirtualClock } from './timeline';

export const REHEARSAL_ACCOUNT = '123456789012';

/** A table's partition key attribute as the template declares it (by name or ARN). */
function hashKeyOf(deployment: Deployment, table: string): string | undefined {
  const name = table.split(':table/').pop() ?? table;
  const resource = deployment.resources('AWS::DynamoDB::Table').find((candidate) => candidate.physical.ref === name);
  return (resource?.props['KeySchema'] as Array<{ AttributeName: string; KeyType: string }> | undefined)?.find((key) => key.KeyType === 'HASH')?.AttributeName;
}
export const REHEARSAL_REGION = 'us-east-1';

export interface RehearsalOptions {
  /** The cloud assembly `cdk synth` wrote. */
  assemblyDir: string;
  /** Scratch space: laid-out images, sandboxes' TMPDIR. */
  workDir: string;
  /** Where the rehearsal clock starts (the moment of the "deploy"). @default now */
  startAt?: Date;
  log?: (line: string) => void;
  /** Running DynamoDB Local and S3 emulator to use (the test suite's); @default started and stopped here */
  emulators?: { dynamodbEndpoint: string; s3Endpoint: string };
}

/** A running rehearsal of one cloud assembly: what the scenario drives and the report reads. */
export interface Rehearsal {
  deployment: Deployment;
  outputs: Record<string, string>;
  timeline: Timeline;
  identities: IdentityRegistry;
  iam: IamAuthority;
  endpoint: AwsEndpoint;
  endpointUrl: string;
  /** API Gateway HTTP APIs by logical id, each with its local URL. */
  apis: Array<{ logicalId: string; api: HttpApi; url: string }>;
  functions: LambdaFunction[];
  lambda: LambdaService;
  sqs: SqsService;
  sns: SnsService;
  scheduler: Scheduler;
  cloudwatch: CloudWatch;
  metrics: MetricStore;
  eventSources: EventSourceStats[];
  operator: Credentials;
  node: { path: string; version: string };
  /** The moment of the deploy: the clock jumps there, schedules arm and CloudWatch starts its minutes. */
  begin(at?: Date): void;
  stop(): Promise<void>;
}

/**
 * "Deploys" a cloud assembly offline: storage from the template in DynamoDB Local and the S3
 * emulator, every function in Node 22 sandboxes, the AWS endpoint with IAM, the HTTP APIs,
 * event source mappings, schedules and CloudWatch, all on one rehearsal clock.
 */
export async function startRehearsal(options: RehearsalOptions): Promise<Rehearsal> {
  const log = options.log ?? (() => {});
  const node = node22Binary(log);
  const assembly = readCloudAssembly(options.assemblyDir);
  const clock = new VirtualClock(options.startAt);
  const timeline = new Timeline(clock);
  const identities = new IdentityRegistry(REHEARSAL_ACCOUNT);
  const heldSandboxes = new Set<string>();
  let lambda: LambdaService | undefined;
  const endpoint = new AwsEndpoint(identities, () => clock.now(), (sandboxId) => {
    heldSandboxes.add(sandboxId);
    for (const fn of lambda?.functions ?? []) for (const sandbox of lambda?.sandboxesOf(fn) ?? []) if (sandbox.id === sandboxId) sandbox.held = true;
  });
  const endpointUrl = await endpoint.listen(0);
  const deployment = new Deployment(assembly, { account: REHEARSAL_ACCOUNT, region: REHEARSAL_REGION, partition: 'aws', urlSuffix: 'amazonaws.com', endpoint: endpointUrl });
  const iam = new IamAuthority(deployment, REHEARSAL_ACCOUNT);
  endpoint.iam = iam;

  let emulators: Emulators | undefined;
  const stoppers: Array<() => Promise<void>> = [() => endpoint.close()];
  try {
    if (!options.emulators) {
      emulators = await startEmulators();
      stoppers.push(() => emulators?.stop() ?? Promise.resolve());
    }
    const storage = options.emulators ?? emulators;
    if (!storage) throw new Error('the rehearsal started no emulators and was given none');
    await createStatefulResources(deployment, { dynamodb: storage.dynamodbEndpoint, s3: storage.s3Endpoint });
    const functions = loadFunctions(deployment, join(options.workDir, 'functions'));
    const tmpDir = join(options.workDir, 'tmp');
    mkdirSync(tmpDir, { recursive: true });
    const metrics = new MetricStore();
    const loggedSandboxes = new Set<string>();
    lambda = new LambdaService(functions, {
      node: node.path,
      endpoint: endpointUrl,
      region: REHEARSAL_REGION,
      tmpDir,
      identities,
      timeline,
      onLog: (fn, line, sandboxId) => {
        metrics.logLine(fn.logGroupName, fn.name, clock.now(), line);
        if (loggedSandboxes.has(sandboxId)) return;
        loggedSandboxes.add(sandboxId);
        // Lambda writes the logs with the function's role: without these grants they are dropped.
        const stream = `arn:aws:logs:${REHEARSAL_REGION}:${REHEARSAL_ACCOUNT}:log-group:${fn.logGroupName}:log-stream:rehearsal/[$LATEST]${sandboxId}`;
        const caller = { kind: 'identity' as const, identity: { kind: 'function' as const, name: fn.name, principalArn: identities.sessionArn(fn.roleArn, fn.name), roleArn: fn.roleArn } };
        void iam.authorize(caller, 'logs:CreateLogStream', stream, {}, 'Lambda logging').then(() => iam.authorize(caller, 'logs:PutLogEvents', stream, {}, 'Lambda logging'));
      },
    });
    stoppers.unshift(() => lambda?.shutdown() ?? Promise.resolve());
    for (const fn of functions) {
      await iam.authorize({ kind: 'service', service: 'lambda.amazonaws.com', onBehalfOf: fn.name }, 'sts:AssumeRole', fn.roleArn, { 'aws:SourceAccount': REHEARSAL_ACCOUNT }, 'Lambda execution role');
    }
    const sqs = new SqsService(deployment, timeline);
    const sns = new SnsService(deployment, () => clock.now(), REHEARSAL_REGION);
    for (const service of [new DynamoDbService(storage.dynamodbEndpoint, (table) => (table.startsWith('arn:') ? table : `arn:aws:dynamodb:${REHEARSAL_REGION}:${REHEARSAL_ACCOUNT}:table/${table}`), (table) => hashKeyOf(deployment, table)), new S3Service(storage.s3Endpoint), new LambdaApiService(lambda), sqs, sns, new SecretsManagerService(deployment, () => clock.now())]) {
      endpoint.register(service);
    }
    const eventSources = startEventSources(deployment, lambda, sqs, iam, identities, timeline);
    const scheduler = new Scheduler(deployment, lambda, sqs, iam, identities, timeline);
    const cloudwatch = new CloudWatch(metrics, readAlarms(deployment), sqs, sns, iam, timeline);
    const apis: Rehearsal['apis'] = [];
    for (const resource of deployment.resources('AWS::ApiGatewayV2::Api')) {
      const api = new HttpApi(deployment, resource.logicalId, lambda, iam, metrics, () => clock.now());
      apis.push({ logicalId: resource.logicalId, api, url: await api.listen() });
      stoppers.unshift(() => api.close());
    }
    const operator = identities.issue({ kind: 'operator', name: 'operator', principalArn: `arn:aws:iam::${REHEARSAL_ACCOUNT}:user/operator` });
    log(`rehearsal up: ${functions.length} functions on Node ${node.version}, AWS endpoint ${endpointUrl}, ${apis.length} HTTP API(s)`);
    return {
      deployment,
      outputs: stackOutputs(deployment),
      timeline,
      identities,
      iam,
      endpoint,
      endpointUrl,
      apis,
      functions,
      lambda,
      sqs,
      sns,
      scheduler,
      cloudwatch,
      metrics,
      eventSources,
      operator,
      node,
      begin: (at) => {
        if (at) clock.set(at.getTime());
        scheduler.start();
        cloudwatch.start();
      },
      stop: async () => {
        for (const stop of stoppers) await stop().catch(() => undefined);
      },
    };
  } catch (error) {
    for (const stop of stoppers) await stop().catch(() => undefined);
    throw error;
  }
}
