import type { NightshiftClient } from '../functions/client/api-client';
import { isTimeZone } from '../functions/client/display-time';
import type { CliIo } from './output';

/** Exit codes scripts can rely on. */
export const EXIT = { ok: 0, failed: 1, usage: 2 } as const;

export type OptionSpec = { type: 'string'; multiple?: boolean; short?: string; description: string; valueName?: string } | { type: 'boolean'; short?: string; description: string };

/** What a command gets: the client, where to write, and its parsed arguments. */
export interface CommandContext {
  client: NightshiftClient;
  io: CliIo;
  json: boolean;
  /** Option values by name (strings, string arrays for `multiple`, booleans). */
  options: Readonly<Record<string, string | string[] | boolean | undefined>>;
  positionals: readonly string[];
  /** Arguments after a bare `--`, passed through untouched. */
  passthrough: readonly string[];
  /** Throws a `UsageError` naming this command's usage line. */
  usage(message: string): never;
  /**
   * The zone times are shown in and local days counted in: NIGHTSHIFT_TIMEZONE when set, else the
   * business time zone (`known`, when the command has it from an answer already, or `GET /metrics`),
   * else UTC when the API will not say (a token without the read scope). Asked once, when first needed.
   */
  timezone(known?: string): Promise<string>;
}

export interface Command {
  /** Words that select it: `['jobs', 'list']`. */
  path: readonly string[];
  /** After `nightshift <path>`: `ID`, `<type> [--period P]`… */
  synopsis: string;
  summary: string;
  /** More help, shown by `--help` under the options. */
  details?: string;
  options?: Readonly<Record<string, OptionSpec>>;
  /** Positional argument count: [min, max]. */
  positionals: readonly [number, number];
  /** Whether `-- args…` is allowed. */
  passthrough?: boolean;
  examples?: readonly string[];
  run(context: CommandContext): Promise<number>;
}

/** Bad command line: unknown command or flag, missing argument. Exit code 2, with the usage line. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
  constructor(
    message: string,
    readonly usage: string,
  ) {
    super(message);
  }
}

export function usageLine(command: Command): string {
  return `nightshift ${command.path.join(' ')}${command.synopsis ? ` ${command.synopsis}` : ''}`;
}

/** String option, or undefined; never an array. */
export function stringOption(context: CommandContext, name: string): string | undefined {
  const value = context.options[name];
  return typeof value === 'string' ? value : undefined;
}

export function requiredOption(context: CommandContext, name: string): string {
  const value = stringOption(context, name);
  if (value === undefined || value === '') context.usage(`--${name} is required`);
  return value;
}

export function booleanOption(context: CommandContext, name: string): boolean {
  return context.options[name] === true;
}

export function listOption(context: CommandContext, name: string): string[] {
  const value = context.options[name];
  return Array.isArray(value) ? value : typeof value === 'string' ? [value] : [];
}

/** A positive integer option within [min, max]. */
export function integerOption(context: CommandContext, name: string, min: number, max: number): number | undefined {
  const text = stringOption(context, name);
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!/^\d+$/.test(text) || value < min || value > max) context.usage(`--${name} must be a whole number from ${min} to ${max}, got ${JSON.stringify(text)}`);
  return value;
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** A `YYYY-MM-DD` option naming a real calendar day. */
export function dayOption(context: CommandContext, name: string): string | undefined {
  const text = stringOption(context, name);
  if (text === undefined) return undefined;
  if (!isCalendarDay(text)) context.usage(`--${name} must be a day YYYY-MM-DD, got ${JSON.stringify(text)}`);
  return text;
}

export function isCalendarDay(text: string): boolean {
  return DAY.test(text) && new Date(`${text}T00:00:00Z`).toISOString().slice(0, 10) === text;
}

/** Days are local to the business zone: the API's, unless this says otherwise. */
export const timezoneOption = {
  type: 'string',
  description: 'zone that "yesterday" and the defaults are counted in (default NIGHTSHIFT_TIMEZONE, else the API\'s business time zone)',
  valueName: 'ZONE',
} as const;

export async function timezoneOf(context: CommandContext): Promise<string> {
  const zone = stringOption(context, 'timezone');
  if (zone === undefined) return context.timezone();
  if (!isTimeZone(zone)) context.usage(`not a time zone: ${JSON.stringify(zone)} (e.g. America/Los_Angeles)`);
  return zone;
}

/** The calendar day `days` days before `day` (both `YYYY-MM-DD`). */
export function dayBefore(day: string, days: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) - days * 86_400_000).toISOString().slice(0, 10);
}

/** The local day `offsetDays` calendar days from today in `timezone` (`YYYY-MM-DD`). */
export function localDayOf(now: Date, timezone: string, offsetDays = 0): string {
  // en-CA formats as YYYY-MM-DD; calendar arithmetic on the date itself, so a 23-hour day cannot shift it.
  const today = new Intl.DateTimeFormat('en-CA', { timeZone: timezone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(now);
  return new Date(Date.parse(`${today}T00:00:00Z`) + offsetDays * 86_400_000).toISOString().slice(0, 10);
}
