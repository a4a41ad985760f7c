import { NightshiftError } from '../core/errors';

/** Errors that only make sense at the HTTP edge: they carry their status. */
export class HttpError extends NightshiftError {
  constructor(
    readonly status: number,
    code: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(code, message, options);
  }
}

export class BadRequestError extends HttpError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(400, 'bad_request', message, options);
  }
}

export class UnauthorizedError extends HttpError {
  constructor(message = 'a valid bearer token is required (Authorization: Bearer <token>)') {
    super(401, 'unauthorized', message);
  }
}

export class ForbiddenError extends HttpError {
  constructor(message: string) {
    super(403, 'forbidden', message);
  }
}

export class NotFoundError extends HttpError {
  constructor(message: string, code = 'not_found') {
    super(404, code, message);
  }
}

export class PayloadTooLargeError extends HttpError {
  constructor(limitBytes: number) {
    super(413, 'payload_too_large', `the request body is larger than ${limitBytes} bytes`);
  }
}

export class TestEndpointsDisabledError extends HttpError {
  constructor() {
    super(403, 'test_endpoints_disabled', 'test endpoints are disabled (set ENABLE_TEST_ENDPOINTS=true, never in production)');
  }
}

/**
 * How to retry a request whose outcome is unknown (a deadline passed, or the server failed
 * part-way) without doing it twice, per route of the API that changes something.
 */
export function safeRetryAdvice(method: string, path: string): string {
  if (method === 'GET') return 'Nothing was changed: try again.';
  if (path === '/events') {
    return 'Send the same body again with the same Idempotency-Key header: its events are stored at most once and the answer is the first one\'s. Without a key, sending it again may count its events twice.';
  }
  if (path === '/jobs') {
    return 'Send the same request again with the same Idempotency-Key header: it answers with the run the first one started, if it started one. Without a key, look for the run (GET /jobs) before starting another.';
  }
  return 'Sending it again is safe: a period that already has a run is not run twice.';
}

/** The API's own deadline passed before the route finished: what it did so far may stand. */
export class OutcomeUnknownError extends HttpError {
  constructor(method: string, path: string, seconds: number) {
    super(
      504,
      method === 'GET' ? 'timeout' : 'outcome_unknown',
      method === 'GET'
        ? `${method} ${path} did not finish within ${seconds} s. ${safeRetryAdvice(method, path)}`
        : `${method} ${path} did not finish within ${seconds} s: it may or may not have taken effect. ${safeRetryAdvice(method, path)}`,
    );
  }
}

/** Statuses for the domain's own error codes; anything unlisted is a 500 with a generic message. */
const statusByCode: Readonly<Record<string, number>> = {
  job_not_found: 404,
  artifact_not_found: 404,
  unknown_job_type: 400,
  invalid_params: 400,
  invalid_period: 400,
  invalid_cursor: 400,
  invalid_schedule_expression: 400,
  run_in_progress: 409,
  idempotency_key_in_progress: 409,
  idempotency_key_reused: 422,
  illegal_transition: 409,
  storage_throttled: 503,
  storage_unavailable: 503,
  invoke_failed: 503,
  malformed_body: 400,
  no_valid_events: 400,
  too_many_events: 413,
};

export function httpStatusOf(error: unknown): number {
  if (error instanceof HttpError) return error.status;
  if (error instanceof NightshiftError) return statusByCode[error.code] ?? 500;
  return 500;
}
