import { InvalidScheduleExpressionError } from '../errors';
import { daysInMonth } from './calendar';
import { parseCron } from './cron-parse';
import type { AtSchedule, RateSchedule, RateUnit, ScheduleExpression } from './types';

const unitMs: Record<RateUnit, number> = { minutes: 60_000, hours: 3_600_000, days: 86_400_000 };
const singular: Record<RateUnit, string> = { minutes: 'minute', hours: 'hour', days: 'day' };

function parseRate(text: string): RateSchedule {
  const fail = (problem: string): never => {
    throw new InvalidScheduleExpressionError(text, problem);
  };
  const inner = (/^rate\((.*)\)$/s.exec(text)?.[1] ?? '').trim();
  const parts = inner === '' ? [] : inner.split(/\s+/);
  if (parts.length !== 2) return fail(`expected rate(value unit), e.g. rate(5 minutes) or rate(1 day), but found ${parts.length} part(s)`);
  const [valueText = '', unitText = ''] = parts;
  if (!/^\d+$/.test(valueText) || Number(valueText) < 1) return fail(`value "${valueText}" must be a positive whole number`);
  const value = Number(valueText);
  const unit = (Object.keys(unitMs) as RateUnit[]).find((u) => u === unitText || singular[u] === unitText);
  if (!unit) return fail(`unit "${unitText}" is not supported; use minute(s), hour(s) or day(s)`);
  // AWS insists on grammatical agreement: rate(1 minute) but rate(5 minutes).
  if (value === 1 && unitText === unit) return fail(`unit "${unitText}" must be singular when the value is 1: rate(1 ${singular[unit]})`);
  if (value !== 1 && unitText !== unit) return fail(`unit "${unitText}" must be plural when the value is ${value}: rate(${value} ${unit})`);
  const intervalMs = value * unitMs[unit];
  if (!Number.isSafeInteger(intervalMs)) return fail(`value ${valueText} is too large`);
  return { kind: 'rate', text, value, unit, intervalMs };
}

function parseAt(text: string): AtSchedule {
  const fail = (problem: string): never => {
    throw new InvalidScheduleExpressionError(text, problem);
  };
  const inner = (/^at\((.*)\)$/s.exec(text)?.[1] ?? '').trim();
  const match = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})$/.exec(inner);
  if (!match) {
    return fail('expected at(yyyy-mm-ddThh:mm:ss), e.g. at(2026-11-22T03:00:00), with no offset or Z (the time zone is the schedule\'s)');
  }
  const [year, month, day, hour, minute, second] = match.slice(1).map(Number) as [number, number, number, number, number, number];
  if (month < 1 || month > 12) fail(`month "${match[2]}" is out of range 01-12`);
  const days = daysInMonth(year, month);
  if (day < 1 || day > days) fail(`day "${match[3]}" does not exist in ${match[1]}-${match[2]} (it has ${days} days)`);
  if (hour > 23) fail(`hour "${match[4]}" is out of range 00-23`);
  if (minute > 59) fail(`minute "${match[5]}" is out of range 00-59`);
  if (second > 59) fail(`second "${match[6]}" is out of range 00-59`);
  return { kind: 'at', text, local: inner, parts: { year, month, day, hour, minute, second } };
}

/**
 * Parses an EventBridge Scheduler expression: `cron(…)`, `rate(…)` or `at(…)`. Surrounding
 * whitespace is ignored; the keywords are case-sensitive, as in AWS.
 */
export function parseScheduleExpression(text: string): ScheduleExpression {
  if (typeof text !== 'string') throw new InvalidScheduleExpressionError(String(text), 'a schedule expression must be a string');
  const trimmed = text.trim();
  if (trimmed.startsWith('cron(')) return parseCron(trimmed);
  if (trimmed.startsWith('rate(')) return parseRate(trimmed);
  if (trimmed.startsWith('at(')) return parseAt(trimmed);
  const expected = 'expected cron(minutes hours day-of-month month day-of-week year), rate(value unit) or at(yyyy-mm-ddThh:mm:ss)';
  throw new InvalidScheduleExpressionError(trimmed, trimmed === '' ? expected : `not a schedule expression; ${expected}`);
}

export function toScheduleExpression(expression: string | ScheduleExpression): ScheduleExpression {
  return typeof expression === 'string' ? parseScheduleExpression(expression) : expression;
}
