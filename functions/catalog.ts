import type { z } from 'zod';
import { InvalidConfigError, type NightshiftConfig } from './core/config';
import type { PeriodType } from './core/time/periods';
import { sweeperParams } from './jobs/sweeper/params';
import { rollupParams } from './jobs/rollup/params';
import { snapshotParams } from './jobs/snapshot/params';
import { scriptRunParams } from './jobs/script-run/params';
import { largestScriptMemoryMb, longestScriptTimeoutMs, shippedManifest } from './jobs/script-run/shipped-manifest';
import { scriptSchedules } from './jobs/script-run/schedules';
import { exportParams } from './jobs/export/params';
import { planExport } from './jobs/export/plan';
import { samplingProofParams } from './jobs/sampling-proof/params';
import { criticalProofRanToTheEnd } from './jobs/sampling-proof/verdict';
import type { JobRecord } from './core/jobs/record';
import type { CatalogView, ScheduledTask } from './core/jobs/scheduled-task';
import { isSuccessful } from './core/jobs/states';
import { scheduleProblems } from './core/jobs/runnable-schedules';
import type { JobType } from './core/jobs/job-types';
import { UnknownJobTypeError } from './core/jobs/errors';
import { routeSpecs, type RouteSpec } from './api/route-specs';
import {
  apiAccess,
  authorizerAccess,
  exportAccess,
  rollupAccess,
  samplingProofAccess,
  scriptRunAccess,
  snapshotAccess,
  sweeperAccess,
  type FunctionAccess,
} from './function-access';

/**
 * THE list of job types this build ships: where each handler lives and how it runs. The CDK
 * stateless stack makes one function per entry; the local cloud invokes the same handlers
 * in-process with the same concurrency caps. Adding a job type starts here.
 */
export interface JobTypeEntry {
  type: JobType;
  description: string;
  /** Handler module, relative to the repository root; it exports `handler`. */
  entry: string;
  memoryMb: number;
  timeoutSeconds: number;
  /** At most this many runs at once (reserved concurrency in AWS, a queue locally). */
  maxConcurrency: number;
  /** When the cap is a config setting: read through `maxConcurrencyFor(entry, config)`. */
  configuredConcurrency?: (config: NightshiftConfig) => number;
  /**
   * The periods a run may cover. Non-empty makes it a period job: once per `(type, period)`,
   * and the sweeper catches up the periods its schedules missed.
   */
  periodTypes: readonly PeriodType[];
  /** A period job whose runs may also go without a period (on-demand runs naming their range). */
  periodOptional?: boolean;
  /** Validates `params` at the API, before anything is recorded, and again in the run. */
  params: z.ZodType<Record<string, unknown>>;
  /** Checks that need the config or the period (declared names), also before anything is recorded. */
  checkParams?: (params: Record<string, unknown>, context: { config: NightshiftConfig; period?: string | undefined }) => void;
  /** What its function may touch in AWS: the stack grants exactly this (function-access.ts). */
  access: FunctionAccess;
  /** For health: a failed run that still did the type's work (besides succeeded and warning). */
  ranToTheEnd?: (job: JobRecord) => boolean;
}

export const jobCatalog: readonly JobTypeEntry[] = [
  {
    type: 'rollup',
    description: 'Absorbs new event objects into hour partials and daily stats per (metric, local day, kept dims); incremental, idempotent, single-flight.',
    entry: 'functions/jobs/rollup/handler.ts',
    memoryMb: 1024,
    timeoutSeconds: 300,
    maxConcurrency: 1,
    periodTypes: [],
    params: rollupParams,
    access: rollupAccess,
  },
  {
    type: 'snapshot',
    description: 'Computes the configured metrics per scope for a day, ISO week or month (after bringing the rollup up to date); one item per scope and a JSON artifact.',
    entry: 'functions/jobs/snapshot/handler.ts',
    memoryMb: 512,
    timeoutSeconds: 300,
    maxConcurrency: 4,
    periodTypes: ['day', 'week', 'month'],
    params: snapshotParams,
    access: snapshotAccess,
  },
  {
    type: 'sweeper',
    description: 'Marks runs past their deadline timed_out and catches up scheduled periods that never succeeded.',
    entry: 'functions/jobs/sweeper/handler.ts',
    memoryMb: 256,
    timeoutSeconds: 120,
    maxConcurrency: 1,
    periodTypes: [],
    params: sweeperParams,
    access: sweeperAccess,
  },
  {
    type: 'script-run',
    description: 'Runs a whitelisted Python or Node script (layers/scripts/manifest.json) without a shell, output streamed to artifacts, process group killed at its limit.',
    entry: 'functions/jobs/script-run/handler.ts',
    memoryMb: Math.max(512, largestScriptMemoryMb),
    // The longest script, its kill grace and uploads; Lambda's ceiling is 15 minutes.
    timeoutSeconds: Math.min(900, Math.ceil((longestScriptTimeoutMs + 70_000) / 1000)),
    maxConcurrency: 5,
    configuredConcurrency: (config) => config.scripts.maxConcurrency,
    periodTypes: [],
    params: scriptRunParams,
    access: scriptRunAccess,
  },
  {
    type: 'export',
    description: 'Streams daily stats over a range of local days to one CSV or JSON object in S3 (multipart upload); for the previous day, week or month, or on demand for any range.',
    entry: 'functions/jobs/export/handler.ts',
    memoryMb: 512,
    timeoutSeconds: 900,
    maxConcurrency: 2,
    periodTypes: ['day', 'week', 'month'],
    periodOptional: true,
    params: exportParams,
    checkParams: (params, context) => void planExport(params, context),
    access: exportAccess,
  },
  {
    type: 'sampling-proof',
    description: 'Checks one local day of stats (range, trend, freshness, completeness, ratio consistency) and writes sampling-proofs/sampling-proof-YYYYMMDD.json; alerts on warn and critical.',
    entry: 'functions/jobs/sampling-proof/handler.ts',
    memoryMb: 512,
    timeoutSeconds: 600,
    maxConcurrency: 2,
    periodTypes: ['day'],
    params: samplingProofParams,
    access: samplingProofAccess,
    ranToTheEnd: criticalProofRanToTheEnd,
  },
];

/** The cap on concurrent runs of a type: its config setting when it has one, else the catalog's. */
export function maxConcurrencyFor(entry: JobTypeEntry, config: NightshiftConfig): number {
  return entry.configuredConcurrency?.(config) ?? entry.maxConcurrency;
}

export interface FunctionSpec {
  name: string;
  entry: string;
  memoryMb: number;
  timeoutSeconds: number;
  access: FunctionAccess;
  /** The web console's built files go into the bundle (`console/` beside the handler), which serves them. */
  servesConsole?: boolean;
}

/** The API function serves every route in `routes`. */
export const apiFunction: FunctionSpec & { routes: readonly RouteSpec[] } = {
  name: 'api',
  entry: 'functions/api/handler.ts',
  memoryMb: 512,
  timeoutSeconds: 29,
  routes: routeSpecs,
  servesConsole: true,
  access: apiAccess,
};

/** The HTTP API's Lambda authorizer: small and quick, it only hashes and compares. */
export const authorizerFunction: FunctionSpec = {
  name: 'authorizer',
  entry: 'functions/api/authorizer.ts',
  memoryMb: 256,
  timeoutSeconds: 10,
  access: authorizerAccess,
};

export function catalogEntry(type: string): JobTypeEntry {
  const entry = jobCatalog.find((candidate) => candidate.type === type);
  if (!entry) throw new UnknownJobTypeError(type, jobCatalog.map((e) => e.type));
  return entry;
}

export function isShipped(type: string): type is JobType {
  return jobCatalog.some((entry) => entry.type === type);
}

/** The catalog as the sweeper and health see it, for one config: built once by the runtime. */
export function catalogView(config: NightshiftConfig): CatalogView {
  return {
    schedules: scheduledTasks(config),
    ranToTheEnd: (job) => isSuccessful(job.status) || (jobCatalog.find((entry) => entry.type === job.type)?.ranToTheEnd?.(job) ?? false),
  };
}

/**
 * Every schedule of the config (and of the script manifest) resolved against the catalog. A
 * schedule its job could not run as written (`scheduleProblems`) makes the config invalid:
 * `InvalidConfigError` from `source`, naming each one.
 */
export function scheduledTasks(config: NightshiftConfig, source = 'the config'): ScheduledTask[] {
  const problems = scheduleProblems(config, catalogEntry);
  if (problems.length > 0) throw new InvalidConfigError(source, problems);
  const fromConfig = configuredTasks(config);
  const fromScripts = scriptSchedules(shippedManifest, config.timezone);
  for (const task of fromScripts) {
    if (fromConfig.some((other) => other.name === task.name)) {
      throw new InvalidConfigError('the config and the script manifest', [{ path: `schedules.${task.name}`, reason: 'is in the config and in the script manifest' }]);
    }
  }
  return [...fromConfig, ...fromScripts];
}

function configuredTasks(config: NightshiftConfig): ScheduledTask[] {
  return Object.entries(config.schedules).map(
    ([name, schedule]): ScheduledTask => ({
      name,
      type: schedule.job,
      expression: schedule.expression,
      timezone: schedule.timezone ?? config.timezone,
      enabled: schedule.enabled,
      period: schedule.period,
      params: schedule.params,
      ...(schedule.description ? { description: schedule.description } : {}),
    }),
  );
}

