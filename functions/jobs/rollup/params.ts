import * as z from 'zod';
import { calendarDaySchema, DAY_PATTERN } from '../../core/time/calendar-day';

/** An explicit range covers at most this many days (plus the lookback, always scanned). */
export const MAX_RANGE_DAYS = 31;
const DAY_MS = 86_400_000;

/** A local day (`2026-11-22`, whole day in the configured zone) or an ISO time with offset. */
const dayOrInstant = z.union([
  calendarDaySchema(),
  z.iso.datetime({ offset: true }),
], { message: 'a local day (YYYY-MM-DD) or an ISO-8601 time with offset' });

export const isDayParam = (value: string): boolean => DAY_PATTERN.test(value);

/**
 * The span in UTC terms, days taken as whole UTC days: the zone is not known here, and this is
 * within a day of the exact local span, which the run checks again.
 */
function approximateSpan(from: string, to: string): { fromMs: number; toStartMs: number; toEndMs: number } {
  const fromMs = isDayParam(from) ? Date.parse(`${from}T00:00:00Z`) : Date.parse(from);
  const toStartMs = isDayParam(to) ? Date.parse(`${to}T00:00:00Z`) : Date.parse(to);
  return { fromMs, toStartMs, toEndMs: isDayParam(to) ? toStartMs + DAY_MS : toStartMs };
}

/**
 * `from` / `to` (both optional): an extra range to scan besides the lookback, for objects that
 * arrived later than the lookback covers. Days are inclusive; a missing `to` means now, a
 * missing `from` the lookback before `to`.
 */
export const rollupParams = z
  .object({ from: dayOrInstant.optional(), to: dayOrInstant.optional() })
  .strict()
  .superRefine((params, ctx) => {
    if (params.from === undefined || params.to === undefined) return;
    const { fromMs, toStartMs, toEndMs } = approximateSpan(params.from, params.to);
    if (fromMs > toStartMs) ctx.addIssue({ code: 'custom', path: ['from'], message: `from (${params.from}) is after to (${params.to})` });
    if (toEndMs - fromMs > MAX_RANGE_DAYS * DAY_MS) {
      ctx.addIssue({ code: 'custom', path: ['to'], message: `the range ${params.from}..${params.to} is longer than ${MAX_RANGE_DAYS} days` });
    }
  });

export type RollupParams = z.infer<typeof rollupParams>;
