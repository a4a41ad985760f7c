import { NightshiftError } from '../errors';

/**
 * A schedule expression that EventBridge Scheduler would reject (or that we refuse because its
 * meaning is ambiguous). The message always starts with the expression itself so that it reads
 * well when surfaced verbatim in a config validation report.
 */
export class InvalidScheduleExpressionError extends NightshiftError {
  readonly expression: string;

  constructor(expression: string, problem: string, options?: { cause?: unknown }) {
    super('invalid_schedule_expression', expression.trim() === '' ? `schedule expression is empty; ${problem}` : `${expression}: ${problem}`, options);
    this.expression = expression;
  }
}

/** A period key or period range that does not name real periods. */
export class InvalidPeriodError extends NightshiftError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('invalid_period', message, options);
  }
}

/**
 * A time zone name unknown to the IANA database. Config validation normally catches this first;
 * the time functions still check, because a typo would otherwise silently fall back to UTC-like
 * behaviour in some libraries.
 */
export class InvalidTimeZoneError extends NightshiftError {
  readonly timezone: string;

  constructor(timezone: string, options?: { cause?: unknown }) {
    super('invalid_timezone', `time zone "${timezone}" is not an IANA time zone (for example America/Los_Angeles)`, options);
    this.timezone = timezone;
  }
}
