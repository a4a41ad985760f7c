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
  return error.issues.flatMap((issue) => {
    const path = issue.path.map(String);
    // One problem per unknown key, at the key's own path (not its parent's, nor '' at the root).
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({ path: [...path, key].join('.'), reason: `unknown key "${key}" (not part of the config schema)` }));
    }
    return [{ path: path.join('.'), reason: issue.message }];
  });
}
