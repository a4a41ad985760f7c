import type { NightshiftConfig } from '../core/config';
import type { JobContext, JobDefinition, JobOutcome } from '../core/jobs/definition';
import type { JobRecord } from '../core/jobs/record';
import type { SubmittableType } from '../core/jobs/submit-run';
import type { Alerter, ProofIndex, WatchStore } from '../core/proofs/ports';
import type { AnnotationStore } from '../core/calendar/ports';
import type { HolidayCalendar } from '../core/calendar/holidays';
import type { RollupStore } from '../core/rollup/ports';
import type { SnapshotStore } from '../core/snapshots/ports';
import type { ScheduleDeadLetterQueue } from '../core/jobs/slots/dead-letters';
import type { FunctionAccess } from '../function-access';

/**
 * What the composition root builds for jobs beyond the run's `JobDependencies` (ledger, leases,
 * artifacts, clock…): the stores over the Analytics table, the alert channel and the script
 * runner's settings. A job declares the part it uses in the type of its `run`'s second argument
 * (`Pick<JobServices, 'rollup'>`); tests hand it just that part.
 */
export interface JobServices {
  /** The rollup's items in Analytics: written marks, partials, daily stats. */
  rollup: RollupStore;
  snapshots: SnapshotStore;
  proofs: ProofIndex;
  /** Users' annotations of days (incident, holiday, promotion, new normal). */
  annotations: AnnotationStore;
  /** The configured region's holidays; undefined without a region. */
  holidays?: HolidayCalendar | undefined;
  alerter: Alerter;
  /** The hourly watch's state per trend check (incidents open across rollups). */
  watches: WatchStore;
  scripts: ScriptRunnerSettings;
  /** The schedules' dead-letter queue, which the sweeper drains into the slot ledger. */
  scheduleDeadLetters: ScheduleDeadLetterQueue;
}

/** Where the script runner finds the scripts and its interpreters (NIGHTSHIFT_SCRIPTS_DIR, PATH). */
export interface ScriptRunnerSettings {
  directory: string;
  /** The PATH a script runs with: the runner's own, nothing else of its environment. */
  searchPath: string;
}

/** How a job type's function runs: the CDK makes one Lambda function of it, the local cloud one lane. */
export interface JobFunctionSettings {
  /** Handler module, relative to the repository root; it exports `handler`. */
  entry: string;
  memoryMb: number;
  /** At most this many runs at once (reserved concurrency in AWS, a queue locally). */
  maxConcurrency: number;
  /** When the cap is a config setting: read through `maxConcurrencyFor(definition, config)`. */
  configuredConcurrency?: (config: NightshiftConfig) => number;
  /** `script-runner-image`: a container image with Python beside Node. @default a zip bundle */
  packaging?: 'script-runner-image';
}

/**
 * A job type, declared once in its folder (`<type>-job.ts`): the catalog (functions/catalog.ts)
 * lists these and everything else reads them — the API (params, periods), the lifecycle (timeout,
 * single flight), the CDK stack (function, grants, timeout), the sweeper and health, and the local
 * cloud (lanes). Its work is not here but in its run (`<type>-run.ts`), which only its own
 * function's entry (`handler.ts`) and `functions/job-runs.ts` import, so no bundle carries another
 * type's work. Bookkeeping (the record, claims, leases, deadline, errors) is the lifecycle's,
 * never the job's.
 */
export interface JobTypeDeclaration<P extends Record<string, unknown> = Record<string, unknown>> extends SubmittableType, Omit<JobDefinition<P>, 'run' | 'params'> {
  description: string;
  params: JobDefinition<P>['params'];
  function: JobFunctionSettings;
  /** What its function may touch in AWS: the stack grants exactly this, the rehearsal checks it. */
  access: FunctionAccess;
  /** For health: a failed run that still did the type's work (besides succeeded and warning). */
  ranToTheEnd?: (job: JobRecord) => boolean;
  /**
   * What releasing a held run publishes beyond copying its artifact to the normal key (the
   * snapshot's items); it runs before the run becomes `succeeded`, so a release that stops
   * between is simply released again.
   */
  publishReleased?: (released: { key: string; text: string }, services: { config: NightshiftConfig; snapshots: SnapshotStore }) => Promise<void>;
}

/** The work of one run of a job type, over the services it declares (`S`): its `<type>-run.ts`. */
export type JobRun<P, S = JobServices> = (context: JobContext<P>, services: S) => Promise<JobOutcome>;

/** A job type's declaration with its run: what a job function's entry and the local cloud execute. */
export interface JobTypeDefinition<P extends Record<string, unknown> = Record<string, unknown>, S = JobServices> extends JobTypeDeclaration<P> {
  run(context: JobContext<P>, services: S): Promise<JobOutcome>;
}

/** A declaration joined with its run (the declaration's own type kept: its functions stay checked against its params). */
export function withRun<P extends Record<string, unknown>, S, D extends JobTypeDeclaration<P>>(declaration: D, run: JobRun<P, S>): D & Pick<JobTypeDefinition<P, S>, 'run'> {
  return { ...declaration, run };
}

/**
 * Lambda's ceiling, and what a job function keeps beyond its run's own limit: the run ends at its
 * `timeoutMs` and still has this long to record its result before Lambda stops it.
 */
const LAMBDA_MAX_TIMEOUT_SECONDS = 900;
export const FUNCTION_TIMEOUT_RESERVE_MS = 10_000;

/** The Lambda timeout of a job type's function (and the local cloud's limit per run): its run's limit plus the reserve. */
export function functionTimeoutSeconds(definition: Pick<JobDefinition<unknown>, 'timeoutMs'>): number {
  return Math.min(LAMBDA_MAX_TIMEOUT_SECONDS, Math.ceil((definition.timeoutMs + FUNCTION_TIMEOUT_RESERVE_MS) / 1000));
}

/** The runnable job the lifecycle executes: the definition over the services it is handed. */
export function runnableJob<P extends Record<string, unknown>, S>(definition: JobTypeDefinition<P, S>, services: S): JobDefinition<P> {
  return jobRunning(definition, (context) => definition.run(context, services));
}

/** The definition's type, params, timeout and single flight around another run (tests feeding a job generated data). */
export function jobRunning<P extends Record<string, unknown>>(definition: JobTypeDeclaration<P>, run: JobDefinition<P>['run']): JobDefinition<P> {
  return {
    type: definition.type,
    params: definition.params,
    timeoutMs: definition.timeoutMs,
    ...(definition.singleFlight ? { singleFlight: definition.singleFlight } : {}),
    ...(definition.leaseFor ? { leaseFor: definition.leaseFor } : {}),
    ...(definition.rowsSummaryField ? { rowsSummaryField: definition.rowsSummaryField } : {}),
    run,
  };
}
