import type { HolidayTable } from '../core/calendar/holidays';
import { resolve } from 'node:path';
import * as z from 'zod/mini';
import '../core/zod-mini-english';
import type { LogOutput } from './logger';
import { prettyLevelOf } from './pretty-logger';
import { InvalidEnvironmentError } from './environment-error';
import { parseConfig, type NightshiftConfig } from '../core/config';
import { zodProblems } from '../core/validation';

const jsonObject = z.pipe(z.string(), z.transform((text, ctx) => {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    ctx.issues.push({ code: 'custom', message: 'is not valid JSON', input: text });
    return z.NEVER;
  }
}));

/** Set and not empty, or left out: an empty value means the same as none. */
const optionalText = z.pipe(z.optional(z.string()), z.transform((value) => (value === '' ? undefined : value)));

const environmentSchema = z.object({
  AWS_REGION: z.string().check(z.minLength(1)),
  JOBS_TABLE: z.string().check(z.minLength(1)),
  ANALYTICS_TABLE: z.string().check(z.minLength(1)),
  ARTIFACTS_BUCKET: z.string().check(z.minLength(1)),
  NIGHTSHIFT_INVOKER: z._default(z.enum(['lambda', 'in-process']), 'lambda'),
  NIGHTSHIFT_JOB_FUNCTIONS: z.optional(z.pipe(jsonObject, z.record(z.string(), z.string().check(z.minLength(1))))),
  NIGHTSHIFT_DYNAMODB_ENDPOINT: z.optional(z.url()),
  NIGHTSHIFT_S3_ENDPOINT: z.optional(z.url()),
  NIGHTSHIFT_DEPLOYED_AT: z.iso.datetime({ offset: true }),
  NIGHTSHIFT_VERSION: z._default(z.string().check(z.minLength(1)), '0.0.0'),
  /** Where delayed invocations wait (debounced rollups); without it only immediate invokes work. */
  NIGHTSHIFT_DELAY_QUEUE_URL: z.optional(z.url()),
  /** The schedules' dead-letter queue the sweeper drains; without it (the local cloud) there is none. */
  NIGHTSHIFT_SCHEDULE_DLQ_URL: z.optional(z.url()),
  /** The SNS topic proof alerts go to; without it (the local cloud) alerts are logged. */
  NIGHTSHIFT_ALERT_TOPIC_ARN: z.optional(z.string().check(z.regex(/^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,256}$/, 'must be an SNS topic ARN'))),
  /** Turns on /internal/* routes for tests; never set in production. */
  ENABLE_TEST_ENDPOINTS: z._default(z.enum(['true', 'false'], { message: 'must be "true" or "false"' }), 'false'),
  /** The API's own tokens where no Lambda authorizer stands in front of it (the local cloud). */
  NIGHTSHIFT_ADMIN_TOKEN: optionalText,
  NIGHTSHIFT_READ_TOKEN: optionalText,
  NIGHTSHIFT_INGEST_TOKEN: optionalText,
  /** The built web console (the local cloud builds it at start); else `console/` beside the API bundle. */
  NIGHTSHIFT_CONSOLE_DIR: optionalText,
  /** Where the shipped scripts are (the script runner's image sets it); else the repository's `layers/scripts`. */
  NIGHTSHIFT_SCRIPTS_DIR: optionalText,
  /** The only variable of the runner's environment a script gets (to find python3). */
  PATH: z._default(z.string().check(z.minLength(1)), '/usr/local/bin:/usr/bin:/bin'),
  /** `pretty`: the local cloud's readable terminal lines; `json` (Lambda): Powertools' structured lines. */
  NIGHTSHIFT_LOG_FORMAT: z._default(z.enum(['json', 'pretty'], { message: 'must be "json" or "pretty"' }), 'json'),
  /** With the pretty format: ANSI colours (a terminal that wants them). */
  NIGHTSHIFT_LOG_COLOR: z._default(z.enum(['true', 'false'], { message: 'must be "true" or "false"' }), 'false'),
  /** Powertools' level variables; the pretty lines honour them too (from WARN when unset). */
  POWERTOOLS_LOG_LEVEL: optionalText,
  LOG_LEVEL: optionalText,
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
  scheduleDlqUrl?: string;
  alertTopicArn?: string;
  enableTestEndpoints: boolean;
  /** Tokens the API checks itself when no authorizer ran (locally): by role. */
  apiTokens: Partial<Record<'admin' | 'read' | 'ingest', string>>;
  consoleDirectory?: string;
  scriptsDirectory?: string;
  /** PATH, handed on to scripts. */
  searchPath: string;
  /** How the runtime's log lines look. */
  logOutput: LogOutput;
}

/**
 * Reads a function's environment once, at the edge (functions/runtime/edge.ts hands it
 * `process.env`); every problem is named by its variable. In a bundle the config is compiled in
 * (esbuild `define` replaces `process.env.NIGHTSHIFT_CONFIG_JSON`); the local cloud and tests
 * pass variables of their own, the config among them.
 */
export function readEnvironment(env: NodeJS.ProcessEnv): RuntimeEnvironment {
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
    apiTokens: {
      ...(data.NIGHTSHIFT_ADMIN_TOKEN ? { admin: data.NIGHTSHIFT_ADMIN_TOKEN } : {}),
      ...(data.NIGHTSHIFT_READ_TOKEN ? { read: data.NIGHTSHIFT_READ_TOKEN } : {}),
      ...(data.NIGHTSHIFT_INGEST_TOKEN ? { ingest: data.NIGHTSHIFT_INGEST_TOKEN } : {}),
    },
    searchPath: data.PATH,
    logOutput: logOutputOf(data),
    ...(data.NIGHTSHIFT_CONSOLE_DIR ? { consoleDirectory: data.NIGHTSHIFT_CONSOLE_DIR } : {}),
    ...(data.NIGHTSHIFT_SCRIPTS_DIR ? { scriptsDirectory: resolve(data.NIGHTSHIFT_SCRIPTS_DIR) } : {}),
    ...(data.NIGHTSHIFT_ALERT_TOPIC_ARN ? { alertTopicArn: data.NIGHTSHIFT_ALERT_TOPIC_ARN } : {}),
    ...(data.NIGHTSHIFT_DELAY_QUEUE_URL ? { delayQueueUrl: data.NIGHTSHIFT_DELAY_QUEUE_URL } : {}),
    ...(data.NIGHTSHIFT_SCHEDULE_DLQ_URL ? { scheduleDlqUrl: data.NIGHTSHIFT_SCHEDULE_DLQ_URL } : {}),
    ...(data.NIGHTSHIFT_DYNAMODB_ENDPOINT ? { dynamodbEndpoint: data.NIGHTSHIFT_DYNAMODB_ENDPOINT } : {}),
    ...(data.NIGHTSHIFT_S3_ENDPOINT ? { s3Endpoint: data.NIGHTSHIFT_S3_ENDPOINT } : {}),
  };
}

function logOutputOf(data: z.output<typeof environmentSchema>): LogOutput {
  if (data.NIGHTSHIFT_LOG_FORMAT === 'json') return { format: 'json' };
  const named = data.POWERTOOLS_LOG_LEVEL ?? data.LOG_LEVEL;
  return { format: 'pretty', level: (named === undefined ? undefined : prettyLevelOf(named)) ?? 'warn', color: data.NIGHTSHIFT_LOG_COLOR === 'true' };
}

/** Written out literally so esbuild's `define` can replace it at bundle time. */
function bundledConfigJson(): string | undefined {
  return process.env.NIGHTSHIFT_CONFIG_JSON;
}

/**
 * The configured region's holiday table, compiled into the bundle at build time (esbuild
 * `define` replaces `process.env.NIGHTSHIFT_HOLIDAYS_JSON` with the table's JSON, or `null`
 * without a region; infra/constructs/lambda-bundle.ts). Only the sampling proof's entry calls
 * it, so esbuild drops it, and the table, from every other bundle.
 */
export function bundledHolidayTable(): HolidayTable | undefined {
  const json = process.env.NIGHTSHIFT_HOLIDAYS_JSON;
  if (json === undefined) return undefined;
  return (JSON.parse(json) as HolidayTable | null) ?? undefined;
}
