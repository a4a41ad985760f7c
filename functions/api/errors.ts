import { NightshiftError, type ErrorCode } from '../core/errors';

/**
 * What every error code answers over HTTP: the one place statuses are decided. A code added to
 * `ErrorCode` without a status here does not compile. 500s answer with a generic message and
 * are logged with their cause.
 */
export const httpStatusByCode: Readonly<Record<ErrorCode, number>> = {
  // the caller's request
  bad_request: 400,
  malformed_body: 400,
  no_valid_events: 400,
  invalid_params: 400,
  invalid_period: 400,
  invalid_cursor: 400,
  invalid_schedule_expression: 400,
  invalid_timezone: 400,
  invalid_slot_range: 400,
  unknown_job_type: 400,
  unauthorized: 401,
  forbidden: 403,
  test_endpoints_disabled: 403,
  not_found: 404,
  route_not_found: 404,
  job_not_found: 404,
  unknown_schedule: 404,
  artifact_not_found: 404,
  token_not_found: 404,
  console_not_built: 404,
  console_file_not_found: 404,
  run_in_progress: 409,
  illegal_transition: 409,
  idempotency_key_in_progress: 409,
  lease_lost: 409,
  token_name_taken: 409,
  payload_too_large: 413,
  too_many_events: 413,
  script_input_too_large: 413,
  idempotency_key_reused: 422,
  // worth retrying: a dependency was busy or unavailable
  storage_throttled: 503,
  storage_unavailable: 503,
  invoke_failed: 503,
  rollup_busy: 503,
  token_secret_unavailable: 503,
  // the API's own deadline passed first: what the route did so far may stand
  timeout: 504,
  outcome_unknown: 504,
  // the server's own fault: never the caller's to fix
  internal_error: 500,
  invalid_environment: 500,
  invalid_config: 500,
  config_load_failed: 500,
  invalid_script_manifest: 500,
  invalid_token_secret: 500,
  storage_access_denied: 500,
  storage_misconfigured: 500,
  storage_failed: 500,
  corrupt_rollup_state: 500,
  unreadable_object: 500,
  deadline_exceeded: 500,
  alert_publish_failed: 500,
};

/** Errors that only make sense at the HTTP edge; their status comes from the table like any other. */
export class BadRequestError extends NightshiftError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('bad_request', message, options);
  }
}

export class UnauthorizedError extends NightshiftError {
  constructor(message = 'a valid bearer token is required (Authorization: Bearer <token>)') {
    super('unauthorized', message);
  }
}

export class ForbiddenError extends NightshiftError {
  constructor(message: string) {
    super('forbidden', message);
  }
}

export class NotFoundError extends NightshiftError {
  constructor(message: string, code: 'not_found' | 'route_not_found' | 'console_not_built' | 'console_file_not_found' = 'not_found') {
    super(code, message);
  }
}

export class PayloadTooLargeError extends NightshiftError {
  constructor(limitBytes: number) {
    super('payload_too_large', `the request body is larger than ${limitBytes} bytes`);
  }
}

export class TestEndpointsDisabledError extends NightshiftError {
  constructor() {
    super('test_endpoints_disabled', 'test endpoints are disabled (set ENABLE_TEST_ENDPOINTS=true, never in production)');
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
export class OutcomeUnknownError extends NightshiftError {
  constructor(method: string, path: string, seconds: number) {
    super(
      method === 'GET' ? 'timeout' : 'outcome_unknown',
      method === 'GET'
        ? `${method} ${path} did not finish within ${seconds} s. ${safeRetryAdvice(method, path)}`
        : `${method} ${path} did not finish within ${seconds} s: it may or may not have taken effect. ${safeRetryAdvice(method, path)}`,
    );
  }
}

/** Anything that is not a NightshiftError is a bug or an unexpected failure: 500. */
export function httpStatusOf(error: unknown): number {
  return error instanceof NightshiftError ? httpStatusByCode[error.code] : 500;
}
