import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { S3Client } from '@aws-sdk/client-s3';
import type { JobDependencies } from '../core/jobs/definition';
import type { Invoker } from '../core/jobs/ports';
import { createDynamoDbDocumentClient, createLambdaClient, createS3Client, createSqsClient } from '../adapters/aws-clients';
import { DynamoDbDebounceStore } from '../adapters/dynamodb/debounce-store';
import { DynamoDbJobLedger } from '../adapters/dynamodb/job-ledger';
import { DynamoDbLeaseStore } from '../adapters/dynamodb/lease-store';
import { S3ArtifactStore } from '../adapters/s3/artifact-store';
import { LambdaInvoker } from '../adapters/invoker/lambda-invoker';
import { SqsDelayInvoker } from '../adapters/invoker/sqs-delay';
import { inProcessInvoker } from '../adapters/invoker/in-process';
import { createLogger } from '../adapters/logger';
import { systemClock } from '../adapters/clock';
import { proofAlerter } from '../adapters/alerts/proof-alerter';
import { PowertoolsRunMetrics } from '../adapters/metrics/powertools-run-metrics';
import type { Alerter } from '../core/proofs/ports';
import { readEnvironment, type RuntimeEnvironment } from '../adapters/environment';
import { catalogView } from '../catalog';

export interface Runtime {
  env: RuntimeEnvironment;
  deps: JobDependencies;
  documentClient: DynamoDBDocumentClient;
  s3: S3Client;
  /** Where sampling-proof alerts go. */
  alerter: Alerter;
}

let current: Runtime | undefined;

/**
 * The composition root: environment parsed and clients built once per process (a Lambda
 * container or the local cloud), on first use so importing a handler has no side effects.
 */
export function runtime(): Runtime {
  current ??= buildRuntime(readEnvironment());
  return current;
}

/** Forgets the built runtime (the local cloud and tests rebuild it after changing the environment). */
export function resetRuntime(): void {
  current = undefined;
}

export function buildRuntime(env: RuntimeEnvironment): Runtime {
  const documentClient = createDynamoDbDocumentClient({ region: env.region, ...(env.dynamodbEndpoint ? { endpoint: env.dynamodbEndpoint } : {}) });
  const s3 = createS3Client({ region: env.region, ...(env.s3Endpoint ? { endpoint: env.s3Endpoint } : {}) });
  const invoker = env.invoker === 'in-process' ? inProcessInvoker : awsInvoker(env);
  const deps: JobDependencies = {
    config: env.config,
    ledger: new DynamoDbJobLedger(documentClient, env.jobsTable),
    leases: new DynamoDbLeaseStore(documentClient, env.jobsTable, systemClock),
    artifacts: new S3ArtifactStore(s3, env.bucket),
    invoker,
    clock: systemClock,
    logger: createLogger(),
    catalog: catalogView(env.config),
    debounce: new DynamoDbDebounceStore(documentClient, env.jobsTable),
    deployedAt: env.deployedAt,
    // EMF lines only mean something where CloudWatch Logs turns them into metrics: in Lambda.
    // The local cloud (in-process invoker) would just print them into its log, so it goes without.
    ...(env.invoker === 'lambda' ? { runMetrics: new PowertoolsRunMetrics() } : {}),
  };
  return { env, deps, documentClient, s3, alerter: proofAlerter(env, deps.logger) };
}

/** Lambda's async invoke, with the delay queue in front of it where the stack provides one. */
function awsInvoker(env: RuntimeEnvironment): Invoker {
  const lambda = new LambdaInvoker(createLambdaClient({ region: env.region }), env.jobFunctions);
  return env.delayQueueUrl ? new SqsDelayInvoker(createSqsClient({ region: env.region }), env.delayQueueUrl, lambda) : lambda;
}
