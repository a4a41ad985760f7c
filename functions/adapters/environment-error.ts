import { NightshiftError } from '../core/errors';

/** A function's environment that cannot be used: every problem names its variable. */
export class InvalidEnvironmentError extends NightshiftError {
  constructor(problems: readonly string[], options?: { cause?: unknown }) {
    super('invalid_environment', `the function's environment is not usable:\n${problems.map((p) => `  - ${p}`).join('\n')}`, options);
  }
}
