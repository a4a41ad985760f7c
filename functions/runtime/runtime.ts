import type { JobDependencies } from '../core/jobs/definition';
import type { IdempotencyStore } from '../core/jobs/idempotency';
import type { Clock, Invoker } from '../core/jobs/ports';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createDynamoDbDocumentClient } from '../adapters/aws-clients';
import { DynamoDbDebounceStore } from '../adapters/dynamodb/debounce-store';
import { DynamoDbIdempotencyStore } from '../adapters/dynamodb/idempotency-store';
import { DynamoDbJobLedger } from '../adapters/dynamodb/job-ledger';
import { DynamoDbLeaseStore } from '../adapters/dynamodb/lease-store';
import { DynamoDbProofIndex } from '../adapters/dynamodb/proof-index';
import { DynamoDbAnnotationStore } from '../adapters/dynamodb/annotation-store';
import { holidayCalendarOf, type HolidayTable } from '../core/calendar/holidays';
import { DynamoDbRollupStore } from '../adapters/dynamodb/rollup-store';
import { DynamoDbSnapshotStore } from '../adapters/dynamodb/snapshot-store';
import { createLogger } from '../adapters/logger';
import { systemClock } from '../adapters/clock';
import { LoggingAlerter } from '../adapters/alerts/logging-alerter';
import { DynamoDbWatchStore } from '../adapters/dynamodb/watch-store';
import { PowertoolsRunMetrics } from '../adapters/metrics/powertools-run-metrics';
import type { RuntimeEnvironment } from '../adapters/environment';
import { InvalidEnvironmentError } from '../adapters/environment-error';
import { catalogView, jobTypeNames } from '../catalog';
import type { JobServices } from '../jobs/job-type-definition';
import { shippedManifest } from '../jobs/script-run/shipped-manifest';
import type { AwsAdapters } from './wiring/aws-adapters';
import { unwiredArtifacts, unwiredInvoker, unwiredScheduleDeadLetters } from './wiring/unwired';

/**
 * Everything a function of this process runs on, built once from the parsed environment: what
 * every run gets (`deps`), what job types declare beyond it (`services`), and the API's own
 * idempotency memory. Handlers are factories over it (`job-handler.ts`, `api-context.ts`); only
 * the edge (`edge.ts`) builds it from `process.env`.
 */
export interface Runtime {
  env: RuntimeEnvironment;
  deps: JobDependencies;
  services: JobServices;
  idempotency: IdempotencyStore;
}

export interface RuntimeOptions {
  /**
   * The adapters over S3, Lambda, SQS and SNS this function calls (`wiring/`): a Lambda entry
   * hands over those its access declares, the local cloud and the tests every one. A service
   * without its adapter refuses every call (`wiring/unwired.ts`).
   */
  adapters: AwsAdapters;
  /**
   * The invoker when `NIGHTSHIFT_INVOKER=in-process`: the local cloud's queues (or a test's). In
   * AWS the runtime builds Lambda's (and the delay queue's) itself.
   */
  invoker?: Invoker;
  /** A DynamoDB client the caller built (a benchmark counting requests); by default the runtime builds its own from `env`. */
  clients?: { dynamodb: DynamoDBDocumentClient };
  /**
   * The clock of everything the runtime builds (the ledger's stamps, leases, deadlines). The
   * local cloud hands its own (simulated under `--clock`/`--speed`); Lambda runs on real time.
   */
  clock?: Clock;
  /**
   * The configured region's holidays, compiled at build time (functions/core/calendar/holidays.ts):
   * the Lambda entries that read holidays hand over their bundled table, the local cloud and the
   * tests compile it. Without it a configured region's calendar fails on first use.
   */
  holidays?: HolidayTable;
}

/** The composition root: clients, stores, invoker, logger and metrics, once per process. */
export function buildRuntime(env: RuntimeEnvironment, options: RuntimeOptions): Runtime {
  const { adapters } = options;
  refuseUnusableVariables(env, adapters);
  const documentClient = options.clients?.dynamodb ?? createDynamoDbDocumentClient({ region: env.region, ...(env.dynamodbEndpoint ? { endpoint: env.dynamodbEndpoint } : {}) });
  const logger = createLogger(env.logOutput);
  const clock = options.clock ?? systemClock;
  const artifacts = adapters.s3?.(env) ?? unwiredArtifacts;
  const deps: JobDependencies = {
    config: env.config,
    ledger: new DynamoDbJobLedger(documentClient, env.jobsTable, { clock, jobTypes: jobTypeNames }),
    leases: new DynamoDbLeaseStore(documentClient, env.jobsTable, clock),
    artifacts,
    invoker: invokerFor(env, options),
    clock,
    logger,
    catalog: catalogView(env.config),
    debounce: new DynamoDbDebounceStore(documentClient, env.jobsTable),
    deployedAt: env.deployedAt,
    // EMF lines only mean something where CloudWatch Logs turns them into metrics: in Lambda.
    // The local cloud (in-process invoker) would just print them into its log, so it goes without.
    ...(env.invoker === 'lambda' ? { runMetrics: new PowertoolsRunMetrics() } : {}),
  };
  const services: JobServices = {
    // Oversized groups spill to the artifacts bucket through the same store every run writes to.
    rollup: new DynamoDbRollupStore(documentClient, env.analyticsTable, artifacts),
    snapshots: new DynamoDbSnapshotStore(documentClient, env.analyticsTable),
    proofs: new DynamoDbProofIndex(documentClient, env.analyticsTable, env.config.retention.proofsDays),
    annotations: new DynamoDbAnnotationStore(documentClient, env.analyticsTable),
    holidays: holidayCalendarOf(env.config.calendar, options.holidays),
    alerter: adapters.sns?.(env, logger) ?? new LoggingAlerter(logger),
    watches: new DynamoDbWatchStore(documentClient, env.analyticsTable),
    scripts: { directory: env.scriptsDirectory ?? shippedManifest.directory, searchPath: env.searchPath },
    scheduleDeadLetters: adapters.scheduleDlq?.(env) ?? unwiredScheduleDeadLetters,
  };
  return { env, deps, services, idempotency: new DynamoDbIdempotencyStore(documentClient, env.jobsTable) };
}

function invokerFor(env: RuntimeEnvironment, options: RuntimeOptions): Invoker {
  if (env.invoker === 'in-process') {
    if (!options.invoker) throw new InvalidEnvironmentError(['NIGHTSHIFT_INVOKER=in-process, but no in-process invoker was handed to the runtime (the local cloud passes its own)']);
    return options.invoker;
  }
  // Lambda's async invoke, with the delay queue in front of it where the stack provides one.
  const { lambda, sqs } = options.adapters;
  const immediate = lambda?.(env) ?? unwiredInvoker;
  return sqs ? sqs(env, immediate) : immediate;
}

/**
 * The stack sets the queue and topic variables only on functions whose access declares them, and
 * those functions' entries wire the adapters: a variable with no adapter to use it is a wiring
 * mistake, refused at the start rather than at the first delayed run or alert.
 */
function refuseUnusableVariables(env: RuntimeEnvironment, adapters: AwsAdapters): void {
  const problems = [
    ...(env.delayQueueUrl && !adapters.sqs ? ['NIGHTSHIFT_DELAY_QUEUE_URL: set, but this function is built without the delay queue (sqs) adapter'] : []),
    ...(env.scheduleDlqUrl && !adapters.scheduleDlq ? ['NIGHTSHIFT_SCHEDULE_DLQ_URL: set, but this function is built without the schedules\' dead-letter queue (scheduleDlq) adapter'] : []),
    ...(env.alertTopicArn && !adapters.sns ? ['NIGHTSHIFT_ALERT_TOPIC_ARN: set, but this function is built without the alert topic (sns) adapter'] : []),
  ];
  if (problems.length > 0) throw new InvalidEnvironmentError(problems);
}
