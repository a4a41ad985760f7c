/**
 * Every stable error code, whichever layer raises it. A new error needs its code here, and then
 * the API's status table (`api/errors.ts`, a `Record<ErrorCode, number>`) does not compile until
 * it says what the code answers over HTTP.
 */
export type ErrorCode =
  // jobs and the lifecycle
  | 'job_not_found'
  | 'illegal_transition'
  | 'run_in_progress'
  | 'lease_lost'
  | 'deadline_exceeded'
  | 'invalid_params'
  | 'unknown_job_type'
  | 'idempotency_key_reused'
  | 'idempotency_key_in_progress'
  | 'invoke_failed'
  | 'unknown_schedule'
  | 'invalid_slot_range'
  // config, time and environment
  | 'invalid_config'
  | 'config_load_failed'
  | 'invalid_environment'
  | 'invalid_schedule_expression'
  | 'invalid_period'
  | 'invalid_timezone'
  // storage
  | 'storage_unavailable'
  | 'storage_throttled'
  | 'storage_access_denied'
  | 'storage_misconfigured'
  | 'storage_failed'
  | 'artifact_not_found'
  | 'invalid_cursor'
  // events, rollup, scripts, proofs
  | 'malformed_body'
  | 'no_valid_events'
  | 'too_many_events'
  | 'corrupt_rollup_state'
  | 'unreadable_object'
  | 'rollup_busy'
  | 'invalid_script_manifest'
  | 'script_input_too_large'
  | 'alert_publish_failed'
  // tokens and the HTTP edge
  | 'invalid_token_secret'
  | 'token_name_taken'
  | 'token_not_found'
  | 'token_secret_unavailable'
  | 'bad_request'
  | 'unauthorized'
  | 'forbidden'
  | 'not_found'
  | 'route_not_found'
  | 'console_not_built'
  | 'console_file_not_found'
  | 'payload_too_large'
  | 'test_endpoints_disabled'
  | 'timeout'
  | 'outcome_unknown'
  | 'internal_error';

/**
 * The base of every error Nightshift raises on purpose. Each area (config, time, jobs, storage…)
 * has its own module of named subclasses; `code` is the stable, machine-readable name that the
 * API and job records expose, `message` is for people. Neither ever carries a stack or a secret.
 */
export class NightshiftError extends Error {
  readonly code: ErrorCode;

  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.name = new.target.name;
  }

  /** The `{code, message}` shape stored on job records and returned by the API. */
  toJSON(): { code: string; message: string } {
    return { code: this.code, message: this.message };
  }
}

/** `{code, message}` for any thrown value, without stack traces. */
/** For the logs only: the underlying SDK or runtime error behind one of ours, which answers never show. */
export function describeCause(error: unknown): string | undefined {
  const cause = error instanceof Error ? error.cause : undefined;
  return cause instanceof Error ? `${cause.name}: ${cause.message}` : undefined;
}

export function describeError(error: unknown): { code: string; message: string } {
  if (error instanceof NightshiftError) return error.toJSON();
  if (error instanceof Error) return { code: 'internal_error', message: error.message };
  return { code: 'internal_error', message: String(error) };
}

/** An error as log fields: `{code, error}` (a log line's `message` is its own text). */
export function errorFields(error: unknown): { code: string; error: string } {
  const { code, message } = describeError(error);
  return { code, error: message };
}
