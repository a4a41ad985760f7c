/**
 * Extra fields of a log line. `message` is the line's own field (Powertools drops an extra one
 * with a warning, and the text is lost): log an error with `errorFields(error)`.
 */
export type LogFields = Record<string, unknown> & { message?: never };

/** The logging port: structured lines with extra fields. Adapters back it with Powertools Logger. */
export interface Logger {
  debug(message: string, extra?: LogFields): void;
  info(message: string, extra?: LogFields): void;
  warn(message: string, extra?: LogFields): void;
  error(message: string, extra?: LogFields): void;
  /** A logger whose every line also carries `keys` (jobId and type for a run). */
  child(keys: Record<string, unknown>): Logger;
}

export const silentLogger: Logger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
  child: () => silentLogger,
};
