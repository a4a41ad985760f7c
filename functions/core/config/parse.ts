import type { z } from 'zod';
import { configSchema, type NightshiftConfig } from './schema';
import { InvalidConfigError, type ConfigProblem } from './errors';

/** Validates a config object once, listing every problem by path and reason. */
export function parseConfig(input: unknown, source = 'config'): NightshiftConfig {
  const result = configSchema.safeParse(input);
  if (result.success) return result.data;
  throw new InvalidConfigError(source, toProblems(result.error), { cause: result.error });
}

export function toProblems(error: z.ZodError): ConfigProblem[] {
  return error.issues.map((issue) => ({ path: issue.path.map(String).join('.'), reason: issue.message }));
}
