import { InvalidConfigError, type NightshiftConfig } from './core/config';
import type { CatalogView, ScheduledTask } from './core/jobs/scheduled-task';
import { isSuccessful } from './core/jobs/states';
import { scheduleProblems } from './core/jobs/runnable-schedules';
import { UnknownJobTypeError } from './core/jobs/errors';
import { routeSpecs, type RouteSpec } from './api/route-specs';
import { apiAccess, authorizerAccess, type FunctionAccess } from './function-access';
import { functionTimeoutSeconds, type JobTypeDeclaration } from './jobs/job-type-definition';
import { rollupJob } from './jobs/rollup/rollup-job';
import { snapshotJob } from './jobs/snapshot/snapshot-job';
import { sweeperJob } from './jobs/sweeper/sweeper-job';
import { scriptRunJob } from './jobs/script-run/script-run-job';
import { exportJob } from './jobs/export/export-job';
import { samplingProofJob } from './jobs/sampling-proof/sampling-proof-job';
import { shippedManifest } from './jobs/script-run/shipped-manifest';
import { scriptSchedules } from './jobs/script-run/schedules';

/**
 * THE list of job types this build ships. Each is declared once, in its folder (type, params,
 * timeout, periods, single flight, function, AWS access: `JobTypeDeclaration` in `<type>-job.ts`);
 * the CDK stack makes one function per entry, the local cloud one lane, the API validates runs
 * against it, the sweeper and health read it. Declarations only: a type's work (`<type>-run.ts`)
 * is joined to it by its own function's entry, and by `functions/job-runs.ts` for the local cloud
 * and the tests. Adding a job type is its folder plus one line here and one there.
 */
export const jobCatalog: readonly JobTypeDeclaration[] = [rollupJob, snapshotJob, sweeperJob, scriptRunJob, exportJob, samplingProofJob];

/** The names of the shipped job types, in catalog order. */
export const jobTypeNames: readonly string[] = jobCatalog.map((definition) => definition.type);

/** The cap on concurrent runs of a type: its config setting when it has one, else the catalog's. */
export function maxConcurrencyFor(definition: JobTypeDeclaration, config: NightshiftConfig): number {
  return definition.function.configuredConcurrency?.(config) ?? definition.function.maxConcurrency;
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

export interface JobFunctionSpec extends FunctionSpec {
  maxConcurrency: number;
  description: string;
  packaging?: 'script-runner-image';
}

/** A job type's function as the CDK stack and the local cloud make it: timeout from its run's limit. */
export function jobFunctionSpec(definition: JobTypeDeclaration, config: NightshiftConfig): JobFunctionSpec {
  return {
    name: definition.type,
    entry: definition.function.entry,
    memoryMb: definition.function.memoryMb,
    timeoutSeconds: functionTimeoutSeconds(definition),
    maxConcurrency: maxConcurrencyFor(definition, config),
    description: definition.description,
    access: definition.access,
    ...(definition.function.packaging ? { packaging: definition.function.packaging } : {}),
  };
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

export function catalogEntry(type: string): JobTypeDeclaration {
  const entry = jobCatalog.find((candidate) => candidate.type === type);
  if (!entry) throw new UnknownJobTypeError(type, jobCatalog.map((e) => e.type));
  return entry;
}

export function isShipped(type: string): boolean {
  return jobCatalog.some((entry) => entry.type === type);
}

/** The catalog as the sweeper and health see it, for one config: built once by the runtime. */
export function catalogView(config: NightshiftConfig): CatalogView {
  return {
    types: jobTypeNames,
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
      ...(schedule.catchUp ? { catchUp: schedule.catchUp } : {}),
    }),
  );
}

