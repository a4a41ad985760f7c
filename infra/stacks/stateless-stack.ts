import { Annotations, ArnFormat, CfnOutput, Duration, RemovalPolicy, SecretValue, Stack, type StackProps } from 'aws-cdk-lib';
import { HttpApi, HttpMethod, HttpNoneAuthorizer, PayloadFormatVersion } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaAuthorizer, HttpLambdaResponseType } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import { CfnSchedule, CfnScheduleGroup } from 'aws-cdk-lib/aws-scheduler';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { Alias } from 'aws-cdk-lib/aws-kms';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import { scheduleWarnings } from '../../functions/core/time/schedule';
import { apiFunction, jobCatalog, maxConcurrencyFor, scheduledTasks, type FunctionSpec, type ScheduledTask } from '../../functions/catalog';
import type { NightshiftConfig } from '../../functions/core/config';
import { DELAY_QUEUE_JOB_TYPE } from '../../functions/adapters/invoker/sqs-delay';
import { emptyTokenSecret, formatTokenSecret } from '../../functions/api/token-secret';
import { AUTHORIZER_RESULT_CACHE_SECONDS } from '../../functions/api/authorizer-core';
import { JobFunction, type Access } from '../constructs/job-function';
import { Observability } from '../constructs/observability';

export interface NightshiftStatelessStackProps extends StackProps {
  config: NightshiftConfig;
  /** ISO time of this synth, given to every function as NIGHTSHIFT_DEPLOYED_AT. */
  deployedAt: string;
  jobsTable: ITable;
  analyticsTable: ITable;
  artifactsBucket: IBucket;
  /** See JobFunctionProps.useReservedConcurrency. @default true */
  useReservedConcurrency?: boolean;
}

interface FunctionAccess {
  jobs: Access;
  analytics: Access;
  artifacts: Access;
  /** Limits the artifacts grant to keys under this prefix. */
  artifactsPrefix?: string;
  /** Read-only prefixes besides `artifactsPrefix`. */
  artifactsReads?: readonly string[];
}

/**
 * Every function reads the same environment (functions/adapters/environment.ts requires all of
 * it), so every one gets every binding; what differs is the grant. Job types not listed here do
 * the analytics work and write both. TODO(least privilege): let catalog entries declare this.
 */
const accessByFunction: Record<string, FunctionAccess> = {
  api: { jobs: 'RW', analytics: 'R', artifacts: 'RW' },
  sweeper: { jobs: 'RW', analytics: 'R', artifacts: 'R' },
  // Writes only its own `scripts/<jobId>/…`; reads the data a script may take as input.
  'script-run': { jobs: 'RW', analytics: 'R', artifacts: 'RW', artifactsPrefix: 'scripts/', artifactsReads: ['events/', 'exports/', 'snapshots/'] },
  export: { jobs: 'RW', analytics: 'R', artifacts: 'RW' },
};

/** Job types that need more than Node.js: the script runner ships Python in a container image. */
const packagingByFunction: Record<string, 'script-runner-image'> = { 'script-run': 'script-runner-image' };
const defaultAccess: FunctionAccess = { jobs: 'RW', analytics: 'RW', artifacts: 'RW' };

/** The functions that start runs of other job types (POST /jobs, catch-up runs). */
const invokers = new Set(['api', 'sweeper']);

/**
 * Where Scheduler retries a failed delivery before giving up to the DLQ. An hour covers a
 * throttled or briefly broken function; a slot older than that is the sweeper's to catch up.
 */
const scheduleRetryPolicy = { maximumRetryAttempts: 3, maximumEventAgeInSeconds: 3600 };

/** The HTTP API's Lambda authorizer: small and quick, it only hashes and compares. */
const authorizerFunctionSpec: FunctionSpec = { name: 'authorizer', entry: 'functions/api/authorizer.ts', memoryMb: 256, timeoutSeconds: 10 };

/**
 * Code and triggers: one function per catalog entry plus the API, the HTTP API, and the
 * schedules. Nothing here holds data, so the whole stack can be replaced.
 */
export class NightshiftStatelessStack extends Stack {
  readonly jobFunctions: ReadonlyMap<string, JobFunction>;
  readonly apiFunction: JobFunction;
  readonly httpApi: HttpApi;
  /** Names and SHA-256 digests of the API tokens (`npm run token`); read by the authorizer only. */
  readonly tokensSecret: Secret;
  readonly authorizerFunction: JobFunction;
  readonly scheduleGroup: CfnScheduleGroup;
  readonly scheduleDlq: Queue;
  /** Delayed (debounced) rollup invocations; absent when the catalog ships no rollup. */
  readonly delayQueue: Queue | undefined;
  /** Sampling-proof alerts (warn, critical, not computed); absent when the catalog ships no proof. */
  readonly alertTopic: Topic | undefined;
  /** Alarms (to the alert topic), the dashboard and the saved Logs Insights queries. */
  readonly observability: Observability;

  constructor(scope: Construct, id: string, props: NightshiftStatelessStackProps) {
    super(scope, id, props);

    // Physical names, known at synth: the map below can then go into every function's
    // environment (the sweeper's included) without a reference to the function itself.
    const functionNames = Object.fromEntries(jobCatalog.map((entry) => [entry.type, this.functionNameFor(entry.type)]));
    const jobFunctionArns = Object.values(functionNames).map((name) => this.functionArnFor(name));

    const makeFunction = (spec: FunctionSpec & { maxConcurrency?: number; description?: string }) => {
      const access = accessByFunction[spec.name] ?? defaultAccess;
      const fn = new JobFunction(this, `Fn-${spec.name}`, {
        name: spec.name,
        entry: spec.entry,
        memoryMb: spec.memoryMb,
        timeoutSeconds: spec.timeoutSeconds,
        ...(spec.maxConcurrency === undefined ? {} : { maxConcurrency: spec.maxConcurrency }),
        ...(spec.description === undefined ? {} : { description: spec.description }),
        functionName: this.functionNameFor(spec.name),
        config: props.config,
        deployedAt: props.deployedAt,
        ...(props.useReservedConcurrency === undefined ? {} : { useReservedConcurrency: props.useReservedConcurrency }),
        ...(packagingByFunction[spec.name] ? { packaging: packagingByFunction[spec.name] } : {}),
      })
        .bindTable(props.jobsTable, access.jobs, 'JOBS_TABLE')
        .bindTable(props.analyticsTable, access.analytics, 'ANALYTICS_TABLE')
        .bindBucket(props.artifactsBucket, access.artifacts, 'ARTIFACTS_BUCKET', access.artifactsPrefix)
        .addEnvironment('NIGHTSHIFT_JOB_FUNCTIONS', JSON.stringify(functionNames));
      for (const prefix of access.artifactsReads ?? []) props.artifactsBucket.grantRead(fn.function, `${prefix}*`);
      if (invokers.has(spec.name)) {
        fn.function.addToRolePolicy(new PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: jobFunctionArns }));
      }
      return fn;
    };

    this.jobFunctions = new Map(jobCatalog.map((entry) => [entry.type, makeFunction({ ...entry, name: entry.type, maxConcurrency: maxConcurrencyFor(entry, props.config) })]));
    this.apiFunction = makeFunction(apiFunction);

    this.delayQueue = this.createDelayQueue();
    this.alertTopic = this.createAlertTopic();
    this.tokensSecret = this.createTokensSecret();
    this.authorizerFunction = this.createAuthorizerFunction(props);
    this.httpApi = this.createHttpApi();
    this.scheduleDlq = new Queue(this, 'ScheduleDlq', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      // The longest SQS allows: failed deliveries stay inspectable for two weeks.
      retentionPeriod: Duration.days(14),
    });
    this.scheduleGroup = new CfnScheduleGroup(this, 'ScheduleGroup', { name: this.stackName });
    this.createSchedules(scheduledTasks(props.config));
    this.observability = new Observability(this, 'Observability', {
      jobFunctions: this.jobFunctions,
      otherFunctions: [this.apiFunction, this.authorizerFunction],
      scheduledTypes: [...new Set(scheduledTasks(props.config).filter((task) => task.enabled).map((task) => task.type))],
      httpApi: this.httpApi,
      deadLetterQueues: [{ name: 'schedule', queue: this.scheduleDlq }, ...(this.delayQueue?.deadLetterQueue ? [{ name: 'delay', queue: this.delayQueue.deadLetterQueue.queue }] : [])],
      workQueues: this.delayQueue ? [{ name: 'delay', queue: this.delayQueue }] : [],
      ...(this.alertTopic ? { alertTopic: this.alertTopic } : {}),
    });

    new CfnOutput(this, 'ApiUrl', { value: this.httpApi.apiEndpoint, description: 'Base URL of the HTTP API' });
    new CfnOutput(this, 'JobsTableName', { value: props.jobsTable.tableName, description: 'The run ledger' });
    new CfnOutput(this, 'ArtifactsBucketName', { value: props.artifactsBucket.bucketName, description: 'Job outputs, exports, proofs, raw events' });
    new CfnOutput(this, 'ScheduleGroupName', { value: this.scheduleGroup.ref, description: 'EventBridge Scheduler group of every schedule' });
  }

  private functionNameFor(name: string): string {
    return `${this.stackName}-${name}`;
  }

  private functionArnFor(functionName: string): string {
    return this.formatArn({ service: 'lambda', resource: 'function', resourceName: functionName, arnFormat: ArnFormat.COLON_RESOURCE_NAME });
  }

  /**
   * Debounced rollups wait here: a message with `DelaySeconds` becomes visible when the window is
   * over, and the event source mapping hands it to the rollup function, so nothing sleeps or
   * polls. The API sends (after an ingest) and so does the rollup function itself (a debounced
   * run that found the lease held asks again).
   */
  private createDelayQueue(): Queue | undefined {
    const entry = jobCatalog.find((candidate) => candidate.type === DELAY_QUEUE_JOB_TYPE);
    const target = this.jobFunctions.get(DELAY_QUEUE_JOB_TYPE);
    if (!entry || !target) return undefined;
    const dlq = new Queue(this, 'DelayDlq', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    const queue = new Queue(this, 'DelayQueue', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      // Lambda's advice for SQS sources: six times the function timeout, so a throttled batch
      // (the rollup's reserved concurrency is 1) is retried within one receive.
      visibilityTimeout: Duration.seconds(6 * entry.timeoutSeconds),
      deadLetterQueue: { queue: dlq, maxReceiveCount: 3 },
    });
    target.function.addEventSource(new SqsEventSource(queue, { batchSize: 1, reportBatchItemFailures: true }));
    for (const sender of [this.apiFunction, target]) {
      queue.grantSendMessages(sender.function);
      sender.addEnvironment('NIGHTSHIFT_DELAY_QUEUE_URL', queue.queueUrl);
    }
    return queue;
  }

  /** Encrypted with the account's SNS key, TLS only; the proof function publishes to it. */
  private createAlertTopic(): Topic | undefined {
    const publisher = this.jobFunctions.get('sampling-proof');
    if (!publisher) return undefined;
    const topic = new Topic(this, 'AlertTopic', {
      displayName: 'Nightshift sampling-proof alerts',
      masterKey: Alias.fromAliasName(this, 'AlertTopicKey', 'alias/aws/sns'),
      enforceSSL: true,
    });
    topic.grantPublish(publisher.function);
    publisher.addEnvironment('NIGHTSHIFT_ALERT_TOPIC_ARN', topic.topicArn);
    new CfnOutput(this, 'AlertTopicArn', { value: topic.topicArn, description: 'Subscribe here for sampling-proof alerts' });
    return topic;
  }

  private createTokensSecret(): Secret {
    const secret = new Secret(this, 'ApiTokens', {
      description: 'Nightshift API tokens: names, scopes and SHA-256 digests (npm run token); never raw tokens',
      // Plain text in the template is safe here: it is the empty list, no token and no digest.
      // Tokens are added later with PutSecretValue, outside CloudFormation, and a deploy does not
      // touch the value while this initial one stays the same (so never change it).
      secretStringValue: SecretValue.unsafePlainText(formatTokenSecret(emptyTokenSecret)),
      // The tokens outlive the code: replacing or deleting the stateless stack keeps them.
      removalPolicy: RemovalPolicy.RETAIN,
    });
    new CfnOutput(this, 'TokensSecretArn', { value: secret.secretArn, description: 'The API token secret (names and SHA-256 digests only)' });
    new CfnOutput(this, 'TokenCommand', {
      value: `npm run token -- create --name NAME --scope admin|read|ingest --secret-id ${secret.secretArn}`,
      description: 'Creates an API token (printed once); list and revoke --name NAME take the same --secret-id',
    });
    return secret;
  }

  /** The same bundle and defaults as every function, but no table, bucket or invoke grant. */
  private createAuthorizerFunction(props: NightshiftStatelessStackProps): JobFunction {
    const fn = new JobFunction(this, `Fn-${authorizerFunctionSpec.name}`, {
      ...authorizerFunctionSpec,
      description: 'Nightshift HTTP API authorizer: bearer token -> token name and scopes',
      config: props.config,
      deployedAt: props.deployedAt,
    }).addEnvironment('NIGHTSHIFT_TOKENS_SECRET_ARN', this.tokensSecret.secretArn);
    // GetSecretValue only (grantRead would add DescribeSecret, which it does not need).
    fn.function.addToRolePolicy(new PolicyStatement({ actions: ['secretsmanager:GetSecretValue'], resources: [this.tokensSecret.secretArn] }));
    return fn;
  }

  private createHttpApi(): HttpApi {
    const api = new HttpApi(this, 'HttpApi', { apiName: this.stackName, description: 'Nightshift HTTP API' });
    // One integration and one invoke permission for the whole API: a permission per route would
    // grow the function's resource policy with every route added.
    const integration = new HttpLambdaIntegration('Api', this.apiFunction.function, {
      payloadFormatVersion: PayloadFormatVersion.VERSION_2_0,
      scopePermissionToRoute: false,
    });
    // Authenticates only; the API function checks each route's scope from the authorizer's
    // context, because API Gateway caches an answer per Authorization header, not per route.
    // A request without the header gets API Gateway's own 401 without a call to the authorizer.
    const tokenAuthorizer = new HttpLambdaAuthorizer('TokenAuthorizer', this.authorizerFunction.function, {
      responseTypes: [HttpLambdaResponseType.SIMPLE],
      identitySource: ['$request.header.Authorization'],
      resultsCacheTtl: Duration.seconds(AUTHORIZER_RESULT_CACHE_SECONDS),
    });
    // Explicit, so a default authorizer added to the API later cannot close the health checks.
    const noAuthorizer = new HttpNoneAuthorizer();
    for (const route of apiFunction.routes) {
      api.addRoutes({
        path: route.path,
        methods: [HttpMethod[route.method]],
        integration,
        authorizer: route.scope === 'none' ? noAuthorizer : tokenAuthorizer,
      });
    }
    return api;
  }

  private createSchedules(tasks: readonly ScheduledTask[]): void {
    if (tasks.length === 0) return;
    const role = new Role(this, 'SchedulerRole', {
      description: 'EventBridge Scheduler: invokes the scheduled Nightshift job functions',
      // Only schedules in this account may use the role (confused-deputy guard).
      assumedBy: new ServicePrincipal('scheduler.amazonaws.com', { conditions: { StringEquals: { 'aws:SourceAccount': this.account } } }),
    });
    this.scheduleDlq.grantSendMessages(role);
    const targets = new Set<string>();
    for (const task of tasks) {
      const target = this.jobFunctions.get(task.type);
      // scheduledTasks() already rejects job types the catalog does not ship.
      if (!target) throw new Error(`schedule "${task.name}" targets "${task.type}", which has no function`);
      if (!targets.has(task.type)) target.function.grantInvoke(role);
      targets.add(task.type);
      const schedule = new CfnSchedule(this, `Schedule-${task.name}`, {
        name: task.name,
        groupName: this.scheduleGroup.ref,
        description: task.description ?? `Nightshift ${task.type}`,
        scheduleExpression: task.expression,
        // Always explicit: Scheduler's default is UTC, and the periods are local.
        scheduleExpressionTimezone: task.timezone,
        state: task.enabled ? 'ENABLED' : 'DISABLED',
        flexibleTimeWindow: { mode: 'OFF' },
        target: {
          arn: target.functionArn,
          roleArn: role.roleArn,
          input: JSON.stringify({
            type: task.type,
            trigger: 'schedule',
            scheduleName: task.name,
            // Scheduler substitutes the slot time, so a late retry still computes its own period.
            scheduledFor: '<aws.scheduler.scheduled-time>',
            params: task.params,
          }),
          retryPolicy: scheduleRetryPolicy,
          deadLetterConfig: { arn: this.scheduleDlq.queueArn },
        },
      });
      // Synth-time heads-up: a slot in a DST gap silently skips a day every year.
      for (const warning of scheduleWarnings(task.expression, { timezone: task.timezone, from: new Date() })) {
        if (warning.code === 'dst_gap') Annotations.of(schedule).addWarningV2('nightshift:schedule-dst-gap', warning.message);
      }
    }
  }
}
