import type { $ZodError } from 'zod/v4/core';
import { configSchema, type NightshiftConfig } from './schema';
import { InvalidConfigError, type ConfigProblem } from './errors';

export interface ParseConfigOptions {
  /**
   * The job types a schedule may name: the catalog's (functions/catalog.ts), which core does not
   * know. Left out, any name passes here and the catalog refuses an unknown one when it resolves
   * the schedules.
   */
  jobTypes?: readonly string[];
}

/** Validates a config object once, listing every problem by path and reason. */
export function parseConfig(input: unknown, source = 'config', options: ParseConfigOptions = {}): NightshiftConfig {
  const result = configSchema.safeParse(input);
  const unknownJobs = options.jobTypes ? unknownJobTypes(input, options.jobTypes) : [];
  if (result.success && unknownJobs.length === 0) return result.data;
  if (result.success) throw new InvalidConfigError(source, unknownJobs);
  throw new InvalidConfigError(source, [...toProblems(result.error), ...unknownJobs], { cause: result.error });
}

function unknownJobTypes(input: unknown, jobTypes: readonly string[]): ConfigProblem[] {
  const schedules = (input as { schedules?: unknown } | null)?.schedules;
  if (typeof schedules !== 'object' || schedules === null) return [];
  return Object.entries(schedules).flatMap(([name, schedule]) => {
    const job = (schedule as { job?: unknown } | null)?.job;
    if (typeof job !== 'string' || jobTypes.includes(job)) return [];
    return [{ path: `schedules.${name}.job`, reason: `Invalid option: expected one of ${jobTypes.map((type) => JSON.stringify(type)).join('|')}` }];
  });
}

export function toProblems(error: $ZodError): ConfigProblem[] {
  return error.issues.flatMap((issue) => {
    const path = issue.path.map(String);
    // One problem per unknown key, at the key's own path (not its parent's, nor '' at the root).
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({ path: [...path, key].join('.'), reason: `unknown key "${key}" (not part of the config schema)` }));
    }
    return [{ path: path.join('.'), reason: issue.message }];
  });
}
