import type { z } from 'zod';
import { BadRequestError } from './errors';

/** Parses request input with a schema; every problem is named by where it is (`query.from: …`). */
export function parseInput<T>(schema: z.ZodType<T>, value: unknown, where: string): T {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const problems = result.error.issues.map((i) => {
    const path = i.path.join('.');
    return i.code === 'unrecognized_keys' ? `${where}: unknown field(s) ${i.keys.join(', ')}` : `${where}${path ? '.' + path : ''}: ${i.message}`;
  });
  throw new BadRequestError(problems.join('; '));
}
