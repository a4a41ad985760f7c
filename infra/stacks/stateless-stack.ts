import { Annotations, ArnFormat, Aws, CfnOutput, Duration, RemovalPolicy, SecretValue, Stack, Validations, type StackProps } from 'aws-cdk-lib';
import { CfnStage, HttpApi, HttpMethod, HttpNoneAuthorizer, PayloadFormatVersion } from 'aws-cdk-lib/aws-apigatewayv2';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { HttpLambdaAuthorizer, HttpLambdaResponseType } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import { CfnSchedule, CfnScheduleGroup } from 'aws-cdk-lib/aws-scheduler';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { Key } from 'aws-cdk-lib/aws-kms';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import { scheduleWarnings } from '../../functions/core/time/schedule';
import { apiFunction, authorizerFunction, jobCatalog, jobFunctionSpec, scheduledTasks, type FunctionSpec, type JobFunctionSpec } from '../../functions/catalog';
import type { ScheduledTask } from '../../functions/core/jobs/scheduled-task';
import type { FunctionAccess } from '../../functions/function-access';
import type { NightshiftConfig } from '../../functions/core/config';
import { scheduleRetryPolicy } from '../schedule-delivery';
import { DELAY_QUEUE_JOB_TYPE } from '../../functions/adapters/invoker/sqs-delay';
import { emptyTokenSecret, formatTokenSecret } from '../../functions/api/token-secret';
import { AUTHORIZER_RESULT_CACHE_SECONDS } from '../../functions/api/authorizer-core';
import { JobFunction } from '../constructs/job-function';
import { Observability } from '../constructs/observability';
import { bindRuntimeAccess } from '../constructs/function-access';

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

/**
 * Code and triggers: one function per catalog entry plus the API, the HTTP API, and the
 * schedules. Nothing here holds data, so the whole stack can be replaced.
 */
export class NightshiftStatelessStack extends Stack {
  readonly jobFunctions: ReadonlyMap<string, JobFunction>;
  readonly apiFunction: JobFunction;
  /** Each runtime function's catalog access declaration (functions/function-access.ts). */
  private readonly accessByFunction: ReadonlyMap<JobFunction, FunctionAccess>;
  /** Each job function's timeout: its definition's run limit plus the recording reserve. */
  private readonly jobTimeoutSeconds: ReadonlyMap<string, number>;
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
    const jobFunctions = new Map(
      jobCatalog.map((entry) => {
        const name = this.functionNameFor(entry.type);
        return [entry.type, { name, arn: this.functionArnFor(name) }];
      }),
    );
    const resources = { jobsTable: props.jobsTable, analyticsTable: props.analyticsTable, artifactsBucket: props.artifactsBucket, jobFunctions };

    const makeFunction = (spec: FunctionSpec & Partial<Pick<JobFunctionSpec, 'maxConcurrency' | 'description' | 'packaging'>>) => {
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
        ...(spec.packaging ? { packaging: spec.packaging } : {}),
        ...(spec.servesConsole ? { withConsole: true } : {}),
      });
      bindRuntimeAccess(fn, spec.access, resources);
      return fn;
    };

    const jobSpecs = jobCatalog.map((definition) => jobFunctionSpec(definition, props.config));
    const made = jobSpecs.map((spec) => ({ spec, fn: makeFunction(spec) }));
    this.jobFunctions = new Map(made.map(({ spec, fn }) => [spec.name, fn]));
    this.apiFunction = makeFunction(apiFunction);
    this.accessByFunction = new Map([...made.map(({ spec, fn }) => [fn, spec.access] as const), [this.apiFunction, apiFunction.access]]);
    this.jobTimeoutSeconds = new Map(jobSpecs.map((spec) => [spec.name, spec.timeoutSeconds]));

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
    Validations.of(this.scheduleDlq).acknowledge({ id: 'AwsSolutions-SQS3', reason: "It is the schedules' dead-letter queue itself: the sweeper records and deletes what it can read, the rest waits there for a person." });
    this.grantScheduleDlqDrain(this.scheduleDlq);
    this.scheduleGroup = new CfnScheduleGroup(this, 'ScheduleGroup', { name: this.stackName });
    this.createSchedules(scheduledTasks(props.config));
    this.observability = new Observability(this, 'Observability', {
      jobFunctions: this.jobFunctions,
      otherFunctions: [this.apiFunction, this.authorizerFunction],
      scheduledTypes: [...new Set(scheduledTasks(props.config).filter((task) => task.enabled).map((task) => task.type))],
      slotSchedules: scheduledTasks(props.config).filter((task) => task.enabled && !task.expression.startsWith('rate(')).map((task) => task.name),
      httpApi: this.httpApi,
      deadLetterQueues: [{ name: 'schedule', queue: this.scheduleDlq }, ...(this.delayQueue?.deadLetterQueue ? [{ name: 'delay', queue: this.delayQueue.deadLetterQueue.queue }] : [])],
      workQueues: this.delayQueue ? [{ name: 'delay', queue: this.delayQueue }] : [],
      ...(this.alertTopic ? { alertTopic: this.alertTopic } : {}),
    });

    new CfnOutput(this, 'ApiUrl', { value: this.httpApi.apiEndpoint, description: 'Base URL of the HTTP API' });
    new CfnOutput(this, 'JobsTableName', { value: props.jobsTable.tableName, description: 'The run ledger' });
    new CfnOutput(this, 'ArtifactsBucketName', { value: props.artifactsBucket.bucketName, description: 'Job outputs, exports, proofs, raw events' });
    new CfnOutput(this, 'ScheduleGroupName', { value: this.scheduleGroup.ref, description: 'EventBridge Scheduler group of every schedule' });
    this.addOperatorLinks(props);
  }

  /**
   * Console pages an operator opens first. Built from `Aws.REGION` and the resources' names, so
   * one template serves every region; CloudFormation substitutes them at deploy.
   */
  private addOperatorLinks(props: NightshiftStatelessStackProps): void {
    const console = `https://${Aws.REGION}.console.aws.amazon.com`;
    const links: Record<string, [string, string]> = {
      JobsTableConsoleUrl: [`${console}/dynamodbv2/home?region=${Aws.REGION}#item-explorer?table=${props.jobsTable.tableName}`, 'Run records: item explorer of the Jobs table'],
      ArtifactsBucketConsoleUrl: [`https://s3.console.aws.amazon.com/s3/buckets/${props.artifactsBucket.bucketName}?region=${Aws.REGION}`, 'Artifacts: snapshots, proofs, exports, script logs, raw events'],
      ScheduleGroupConsoleUrl: [`${console}/scheduler/home?region=${Aws.REGION}#schedules?scheduleGroup=${this.scheduleGroup.ref}`, 'The schedules (time zones, state, targets)'],
      ApiConsoleUrl: [`${console}/apigateway/main/develop/routes?api=${this.httpApi.apiId}&region=${Aws.REGION}`, 'HTTP API routes and authorizer'],
      TokensSecretConsoleUrl: [`${console}/secretsmanager/secret?name=${this.tokensSecret.secretName}&region=${Aws.REGION}`, 'API token secret (names and digests)'],
    };
    for (const [id, [value, description]] of Object.entries(links)) new CfnOutput(this, id, { value, description });
  }

  /** The runtime functions (jobs and API) whose catalog declaration passes `test`. */
  private functionsWhose(test: (access: FunctionAccess) => boolean): JobFunction[] {
    return [...this.accessByFunction].filter(([, access]) => test(access)).map(([fn]) => fn);
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
    const target = this.jobFunctions.get(DELAY_QUEUE_JOB_TYPE);
    const targetTimeoutSeconds = this.jobTimeoutSeconds.get(DELAY_QUEUE_JOB_TYPE);
    if (!target || targetTimeoutSeconds === undefined) return undefined;
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
      visibilityTimeout: Duration.seconds(6 * targetTimeoutSeconds),
      deadLetterQueue: { queue: dlq, maxReceiveCount: 3 },
    });
    target.function.addEventSource(new SqsEventSource(queue, { batchSize: 1, reportBatchItemFailures: true }));
    for (const sender of this.functionsWhose((access) => access.sendsDelayed === true)) {
      queue.grantSendMessages(sender.function);
      sender.addEnvironment('NIGHTSHIFT_DELAY_QUEUE_URL', queue.queueUrl);
    }
    return queue;
  }

  /**
   * The sweeper records each dead letter of the schedules as its slot's `dead_lettered` fate, then
   * deletes it: receive and delete on this queue, nothing else (the queue is SQS-encrypted, so no
   * key grant).
   */
  private grantScheduleDlqDrain(queue: Queue): void {
    for (const drainer of this.functionsWhose((access) => access.drainsScheduleDeadLetters === true)) {
      drainer.function.addToRolePolicy(new PolicyStatement({ actions: ['sqs:ReceiveMessage', 'sqs:DeleteMessage'], resources: [queue.queueArn] }));
      drainer.addEnvironment('NIGHTSHIFT_SCHEDULE_DLQ_URL', queue.queueUrl);
    }
  }

  /** Encrypted with the account's SNS key, TLS only; the proof function publishes to it. */
  private createAlertTopic(): Topic | undefined {
    const publishers = this.functionsWhose((access) => access.publishesAlerts === true);
    if (publishers.length === 0) return undefined;
    // A key of our own, not the AWS-managed SNS key: CloudWatch alarms publish to the topic, and
    // only a customer-managed key's policy can let the CloudWatch service use the key
    // (https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html#compatibility-with-aws-services).
    const key = new Key(this, 'AlertTopicKey', { description: 'Nightshift alert topic (proof alerts and alarms)', enableKeyRotation: true });
    key.addToResourcePolicy(
      new PolicyStatement({
        sid: 'CloudWatchAlarmsPublish',
        principals: [new ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
        conditions: {
          StringEquals: { 'aws:SourceAccount': this.account },
          ArnLike: { 'aws:SourceArn': this.formatArn({ service: 'cloudwatch', resource: 'alarm', resourceName: '*', arnFormat: ArnFormat.COLON_RESOURCE_NAME }) },
        },
      }),
    );
    const topic = new Topic(this, 'AlertTopic', { displayName: 'Nightshift sampling-proof alerts', masterKey: key, enforceSSL: true });
    for (const publisher of publishers) {
      // Publishing to a topic under a customer-managed key needs that key's data-key rights.
      publisher.function.addToRolePolicy(new PolicyStatement({ actions: ['sns:Publish'], resources: [topic.topicArn] }));
      key.grant(publisher.function, 'kms:Decrypt', 'kms:GenerateDataKey');
      publisher.addEnvironment('NIGHTSHIFT_ALERT_TOPIC_ARN', topic.topicArn);
    }
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
    Validations.of(secret).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason: 'It holds digests of API tokens, not a credential Secrets Manager could rotate; tokens are rotated by `npm run token create` then `revoke`.',
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
    const { name, entry, memoryMb, timeoutSeconds, access } = authorizerFunction;
    const fn = new JobFunction(this, `Fn-${name}`, {
      name,
      entry,
      memoryMb,
      timeoutSeconds,
      description: 'Nightshift HTTP API authorizer: bearer token -> token name and scopes',
      config: props.config,
      deployedAt: props.deployedAt,
    }).addEnvironment('NIGHTSHIFT_TOKENS_SECRET_ARN', this.tokensSecret.secretArn);
    // GetSecretValue only (grantRead would add DescribeSecret, which it does not need).
    if (access.readsTokens) {
      fn.function.addToRolePolicy(new PolicyStatement({ actions: ['secretsmanager:GetSecretValue'], resources: [this.tokensSecret.secretArn] }));
    }
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
      const [added] = api.addRoutes({
        path: route.path,
        methods: [HttpMethod[route.method]],
        integration,
        authorizer: route.scope === 'none' ? noAuthorizer : tokenAuthorizer,
      });
      if (route.scope === 'none' && added) {
        Validations.of(added).acknowledge({ id: 'AwsSolutions-APIG4', reason: `${route.method} ${route.path} is public by design (health checks, the OpenAPI document); it reveals no data.` });
      }
    }
    this.addAccessLogs(api);
    return api;
  }

  /** One JSON line per request: who (token name), what route, status, latency, integration error. */
  private addAccessLogs(api: HttpApi): void {
    const logGroup = new LogGroup(this, 'HttpApiAccessLogs', { retention: RetentionDays.ONE_MONTH });
    const stage = api.defaultStage?.node.defaultChild as CfnStage | undefined;
    if (!stage) return;
    stage.accessLogSettings = {
      destinationArn: logGroup.logGroupArn,
      format: JSON.stringify({
        requestId: '$context.requestId',
        ip: '$context.identity.sourceIp',
        routeKey: '$context.routeKey',
        status: '$context.status',
        latencyMs: '$context.responseLatency',
        tokenName: '$context.authorizer.name',
        integrationError: '$context.integrationErrorMessage',
      }),
    };
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
      // The unqualified ARN only: grantInvoke adds `<arn>:*` (every version and alias), and the
      // schedules target the unqualified function.
      if (!targets.has(task.type)) role.addToPolicy(new PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: [target.functionArn] }));
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
