import type { LogFields, Logger } from '../core/jobs/logger';

const LEVELS = ['debug', 'info', 'warn', 'error'] as const;
export type PrettyLevel = (typeof LEVELS)[number];

export interface PrettyLoggerOptions {
  /** Lines below this level are dropped. */
  level: PrettyLevel;
  write: (text: string) => void;
  /** ANSI colours (a terminal that wants them). */
  color: boolean;
}

const MAX_FIELDS_LENGTH = 240;
const ANSI = { red: '\u001b[1;31m', yellow: '\u001b[1;33m', dim: '\u001b[2m', reset: '\u001b[0m' } as const;

/**
 * The local cloud's terminal: one readable line per log call instead of a JSON document
 * (`--log-format json` keeps Powertools' structured lines). An alert (`alert: true`, from the
 * logging alerter) is highlighted and its detail follows, indented.
 */
export function prettyLogger(options: PrettyLoggerOptions, persistent: Record<string, unknown> = {}): Logger {
  const threshold = LEVELS.indexOf(options.level);
  const paint = (colour: keyof typeof ANSI, text: string) => (options.color ? `${ANSI[colour]}${text}${ANSI.reset}` : text);
  const emit = (level: PrettyLevel, message: string, extra: LogFields = {}) => {
    if (LEVELS.indexOf(level) < threshold) return;
    options.write(`${formatLine(level, message, { ...persistent, ...extra }, paint)}\n`);
  };
  return {
    debug: (message, extra) => emit('debug', message, extra),
    info: (message, extra) => emit('info', message, extra),
    warn: (message, extra) => emit('warn', message, extra),
    error: (message, extra) => emit('error', message, extra),
    child: (keys) => prettyLogger(options, { ...persistent, ...keys }),
  };
}

function formatLine(level: PrettyLevel, message: string, fields: Record<string, unknown>, paint: (colour: keyof typeof ANSI, text: string) => string): string {
  const { alert, detail, jobId, type, code, error, ...rest } = fields;
  const run = [type, jobId].filter((part) => typeof part === 'string').join(' ');
  if (alert === true) {
    const heading = paint(level === 'error' ? 'red' : 'yellow', `ALERT  ${message.replace(/^ALERT /, '')}`);
    const details = typeof detail === 'string' && detail !== '' ? detail.split('\n').map((text) => `\n       ${text}`).join('') : '';
    return `${heading}${run ? paint('dim', `  [${run}]`) : ''}${details}`;
  }
  const label = level === 'error' ? paint('red', 'error') : level === 'warn' ? paint('yellow', 'warn ') : level.padEnd(5);
  const problem = typeof error === 'string' ? `  ${typeof code === 'string' ? `${code}: ` : ''}${error}` : '';
  const others = Object.entries(rest)
    .filter(([, value]) => value !== undefined)
    .map(([key, value]) => `${key}=${typeof value === 'string' ? value : JSON.stringify(value)}`)
    .join(' ');
  const tail = others.length > MAX_FIELDS_LENGTH ? `${others.slice(0, MAX_FIELDS_LENGTH - 1)}…` : others;
  return `${label}  ${message}${problem}${run ? paint('dim', `  [${run}]`) : ''}${tail ? paint('dim', `  ${tail}`) : ''}`;
}

/** A Powertools level name (`INFO`, `warn`, `SILENT`…) as the pretty lines' level; undefined for none. */
export function prettyLevelOf(name: string): PrettyLevel | 'silent' | undefined {
  const named = name.toLowerCase();
  if (named === 'silent') return 'silent';
  if (named === 'trace') return 'debug';
  if (named === 'critical') return 'error';
  return (LEVELS as readonly string[]).includes(named) ? (named as PrettyLevel) : undefined;
}
