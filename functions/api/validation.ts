import type * as z from 'zod/mini';
import { BadRequestError } from './errors';
import { zodMessage } from '../core/validation';

/** Parses request input with a schema; every problem is named by where it is (`query.from: …`). */
export function parseInput<T>(schema: z.ZodMiniType<T>, value: unknown, where: string): T {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  throw new BadRequestError(zodMessage(result.error, { prefix: where, listUnknownKeys: true }));
}
