/**
 * The base of every error Nightshift raises on purpose. Each area (config, time, jobs, storage…)
 * has its own module of named subclasses; `code` is the stable, machine-readable name that the
 * API and job records expose, `message` is for people. Neither ever carries a stack or a secret.
 */
export class NightshiftError extends Error {
  readonly code: string;

  constructor(code: string, message: string, options?: { cause?: unknown }) {
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
export function describeError(error: unknown): { code: string; message: string } {
  if (error instanceof NightshiftError) return error.toJSON();
  if (error instanceof Error) return { code: 'internal_error', message: error.message };
  return { code: 'internal_error', message: String(error) };
}
