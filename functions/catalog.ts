import type { z } from 'zod';
import type { NightshiftConfig, SchedulePeriod } from './core/config';
import type { PeriodType } from './core/time/periods';
import { sweeperParams } from './jobs/sweeper/params';
import { rollupParams } from './jobs/rollup/params';
import { samplingProofParams } from './jobs/sampling-proof/params';
import { type JobType, jobTypes } from './core/jobs/job-types';
import { UnknownJobTypeError } from './core/jobs/errors';
import { routeSpecs, type RouteSpec } from './api/route-specs';

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
  /**
   * The periods a run may cover. Non-empty makes it a period job: once per `(type, period)`,
   * and the sweeper catches up the periods its schedules missed.
   */
  periodTypes: readonly PeriodType[];
  /** Validates `params` at the API, before anything is recorded, and again in the run. */
  params: z.ZodType<Record<string, unknown>>;
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
  },
];

export interface FunctionSpec {
  name: string;
  entry: string;
  memoryMb: number;
  timeoutSeconds: number;
}

/** The API function serves every route in `routes`. */
export const apiFunction: FunctionSpec & { routes: readonly RouteSpec[] } = {
  name: 'api',
  entry: 'functions/api/handler.ts',
  memoryMb: 512,
  timeoutSeconds: 29,
  routes: routeSpecs,
};

export function catalogEntry(type: string): JobTypeEntry {
  const entry = jobCatalog.find((candidate) => candidate.type === type);
  if (!entry) throw new UnknownJobTypeError(type, jobCatalog.map((e) => e.type));
  return entry;
}

export function isShipped(type: string): type is JobType {
  return jobCatalog.some((entry) => entry.type === type);
}

/** A schedule from config, resolved against the catalog. */
export interface ScheduledTask {
  name: string;
  type: JobType;
  expression: string;
  timezone: string;
  enabled: boolean;
  period: SchedulePeriod;
  params: Record<string, unknown>;
  description?: string;
}

export function scheduledTasks(config: NightshiftConfig): ScheduledTask[] {
  return Object.entries(config.schedules).map(([name, schedule]) => {
    catalogEntry(schedule.job);
    return {
      name,
      type: schedule.job,
      expression: schedule.expression,
      timezone: schedule.timezone ?? config.timezone,
      enabled: schedule.enabled,
      period: schedule.period,
      params: schedule.params,
      ...(schedule.description ? { description: schedule.description } : {}),
    };
  });
}

/** Every job type name, shipped or not, for messages that list what exists. */
export const allJobTypes = jobTypes;
