import { IDEMPOTENCY_KEY_PATTERN } from '../core/jobs/idempotency';
import { BadRequestError } from './errors';
import type { ApiRequest } from './http';

/** The request's `Idempotency-Key` header, checked; undefined when it has none. */
export function idempotencyKeyOf(request: ApiRequest): string | undefined {
  const key = request.headers['idempotency-key'];
  if (key !== undefined && !IDEMPOTENCY_KEY_PATTERN.test(key)) throw new BadRequestError('Idempotency-Key: 1 to 255 printable ASCII characters');
  return key;
}
