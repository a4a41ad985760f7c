import { z } from 'zod';
import { NightshiftError } from '../core/errors';
import { parseConfig, type NightshiftConfig } from '../core/config';
import { zodProblems } from '../core/validation';

export class InvalidEnvironmentError extends NightshiftError {
  constructor(problems: string[], options?: { cause?: unknown }) {
    super('invalid_environment', `the function's environment is not usable:\n${problems.map((p) => `  - ${p}`).join('\n')}`, options);
  }
}

const jsonObject = z.string().transform((text, ctx) => {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    ctx.addIssue({ code: 'custom', message: 'is not valid JSON' });
    return z.NEVER;
  }
});

const environmentSchema = z.object({
  AWS_REGION: z.string().min(1),
  JOBS_TABLE: z.string().min(1),
  ANALYTICS_TABLE: z.string().min(1),
  ARTIFACTS_BUCKET: z.string().min(1),
  NIGHTSHIFT_INVOKER: z.enum(['lambda', 'in-process']).default('lambda'),
  NIGHTSHIFT_JOB_FUNCTIONS: jsonObject.pipe(z.record(z.string(), z.string().min(1))).optional(),
  NIGHTSHIFT_DYNAMODB_ENDPOINT: z.url().optional(),
  NIGHTSHIFT_S3_ENDPOINT: z.url().optional(),
  NIGHTSHIFT_DEPLOYED_AT: z.iso.datetime({ offset: true }),
  NIGHTSHIFT_VERSION: z.string().min(1).default('0.0.0'),
  /** Where delayed invocations wait (debounced rollups); without it only immediate invokes work. */
  NIGHTSHIFT_DELAY_QUEUE_URL: z.url().optional(),
  /** The SNS topic proof alerts go to; without it (the local cloud) alerts are logged. */
  NIGHTSHIFT_ALERT_TOPIC_ARN: z.string().regex(/^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,256}$/, 'must be an SNS topic ARN').optional(),
  /** Turns on /internal/* routes for tests; never set in production. */
  ENABLE_TEST_ENDPOINTS: z.enum(['true', 'false'], { message: 'must be "true" or "false"' }).default('false'),
});

export interface RuntimeEnvironment {
  region: string;
  jobsTable: string;
  analyticsTable: string;
  bucket: string;
  invoker: 'lambda' | 'in-process';
  jobFunctions: Record<string, string>;
  dynamodbEndpoint?: string;
  s3Endpoint?: string;
  deployedAt: Date;
  version: string;
  config: NightshiftConfig;
  delayQueueUrl?: string;
  alertTopicArn?: string;
  enableTestEndpoints: boolean;
}

/**
 * Reads the function's environment once; every problem is named by its variable. The config
 * is compiled into the bundle (esbuild `define` replaces `process.env.NIGHTSHIFT_CONFIG_JSON`),
 * and the local cloud sets the same variable before it loads any handler.
 */
export function readEnvironment(env: NodeJS.ProcessEnv = process.env): RuntimeEnvironment {
  const result = environmentSchema.safeParse(env);
  const problems = result.success ? [] : zodProblems(result.error);
  const configJson = env === process.env ? bundledConfigJson() : env['NIGHTSHIFT_CONFIG_JSON'];
  if (configJson === undefined) problems.push('NIGHTSHIFT_CONFIG_JSON: required (the validated config as JSON)');
  if (result.success && result.data.NIGHTSHIFT_INVOKER === 'lambda' && !result.data.NIGHTSHIFT_JOB_FUNCTIONS) {
    problems.push('NIGHTSHIFT_JOB_FUNCTIONS: required with the lambda invoker (JSON {"<type>": "<function name>"})');
  }
  if (!result.success || problems.length > 0 || configJson === undefined) throw new InvalidEnvironmentError(problems);
  const data = result.data;
  let rawConfig: unknown;
  try {
    rawConfig = JSON.parse(configJson);
  } catch (error) {
    throw new InvalidEnvironmentError(['NIGHTSHIFT_CONFIG_JSON: is not valid JSON'], { cause: error });
  }
  return {
    region: data.AWS_REGION,
    jobsTable: data.JOBS_TABLE,
    analyticsTable: data.ANALYTICS_TABLE,
    bucket: data.ARTIFACTS_BUCKET,
    invoker: data.NIGHTSHIFT_INVOKER,
    jobFunctions: data.NIGHTSHIFT_JOB_FUNCTIONS ?? {},
    deployedAt: new Date(data.NIGHTSHIFT_DEPLOYED_AT),
    version: data.NIGHTSHIFT_VERSION,
    config: parseConfig(rawConfig, 'NIGHTSHIFT_CONFIG_JSON'),
    enableTestEndpoints: data.ENABLE_TEST_ENDPOINTS === 'true',
    ...(data.NIGHTSHIFT_ALERT_TOPIC_ARN ? { alertTopicArn: data.NIGHTSHIFT_ALERT_TOPIC_ARN } : {}),
    ...(data.NIGHTSHIFT_DELAY_QUEUE_URL ? { delayQueueUrl: data.NIGHTSHIFT_DELAY_QUEUE_URL } : {}),
    ...(data.NIGHTSHIFT_DYNAMODB_ENDPOINT ? { dynamodbEndpoint: data.NIGHTSHIFT_DYNAMODB_ENDPOINT } : {}),
    ...(data.NIGHTSHIFT_S3_ENDPOINT ? { s3Endpoint: data.NIGHTSHIFT_S3_ENDPOINT } : {}),
  };
}

/** Written out literally so esbuild's `define` can replace it at bundle time. */
function bundledConfigJson(): string | undefined {
  return process.env.NIGHTSHIFT_CONFIG_JSON;
}
