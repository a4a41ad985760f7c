import type { JobDependencies } from '../core/jobs/definition';
import type { IdempotencyStore } from '../core/jobs/idempotency';
import type { Invoker } from '../core/jobs/ports';
import { createDynamoDbDocumentClient, createLambdaClient, createS3Client, createSqsClient } from '../adapters/aws-clients';
import { DynamoDbDebounceStore } from '../adapters/dynamodb/debounce-store';
import { DynamoDbIdempotencyStore } from '../adapters/dynamodb/idempotency-store';
import { DynamoDbJobLedger } from '../adapters/dynamodb/job-ledger';
import { DynamoDbLeaseStore } from '../adapters/dynamodb/lease-store';
import { DynamoDbProofIndex } from '../adapters/dynamodb/proof-index';
import { DynamoDbAnnotationStore } from '../adapters/dynamodb/annotation-store';
import { DynamoDbRollupStore } from '../adapters/dynamodb/rollup-store';
import { DynamoDbSnapshotStore } from '../adapters/dynamodb/snapshot-store';
import { S3ArtifactStore } from '../adapters/s3/artifact-store';
import { LambdaInvoker } from '../adapters/invoker/lambda-invoker';
import { SqsDelayInvoker } from '../adapters/invoker/sqs-delay';
import { createLogger } from '../adapters/logger';
import { systemClock } from '../adapters/clock';
import { proofAlerter } from '../adapters/alerts/proof-alerter';
import { PowertoolsRunMetrics } from '../adapters/metrics/powertools-run-metrics';
import type { RuntimeEnvironment } from '../adapters/environment';
import { InvalidEnvironmentError } from '../adapters/environment-error';
import { catalogView, jobTypeNames } from '../catalog';
import type { JobServices } from '../jobs/job-type-definition';
import { shippedManifest } from '../jobs/script-run/shipped-manifest';

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
   * The invoker when `NIGHTSHIFT_INVOKER=in-process`: the local cloud's queues (or a test's). In
   * AWS the runtime builds Lambda's (and the delay queue's) itself.
   */
  invoker?: Invoker;
}

/** The composition root: clients, stores, invoker, logger and metrics, once per process. */
export function buildRuntime(env: RuntimeEnvironment, options: RuntimeOptions = {}): Runtime {
  const documentClient = createDynamoDbDocumentClient({ region: env.region, ...(env.dynamodbEndpoint ? { endpoint: env.dynamodbEndpoint } : {}) });
  const s3 = createS3Client({ region: env.region, ...(env.s3Endpoint ? { endpoint: env.s3Endpoint } : {}) });
  const logger = createLogger(env.logOutput);
  const clock = systemClock;
  const artifacts = new S3ArtifactStore(s3, env.bucket);
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
    alerter: proofAlerter(env, logger),
    scripts: { directory: env.scriptsDirectory ?? shippedManifest.directory, searchPath: env.searchPath },
  };
  return { env, deps, services, idempotency: new DynamoDbIdempotencyStore(documentClient, env.jobsTable) };
}

function invokerFor(env: RuntimeEnvironment, options: RuntimeOptions): Invoker {
  if (env.invoker === 'in-process') {
    if (!options.invoker) throw new InvalidEnvironmentError(['NIGHTSHIFT_INVOKER=in-process, but no in-process invoker was handed to the runtime (the local cloud passes its own)']);
    return options.invoker;
  }
  // Lambda's async invoke, with the delay queue in front of it where the stack provides one.
  const lambda = new LambdaInvoker(createLambdaClient({ region: env.region }), env.jobFunctions);
  return env.delayQueueUrl ? new SqsDelayInvoker(createSqsClient({ region: env.region }), env.delayQueueUrl, lambda) : lambda;
}
