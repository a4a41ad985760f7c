import * as z from 'zod/mini';
import '../../core/zod-mini-english';
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

const HOUR_KEY = /^\d{4}-\d{2}-\d{2}T\d{2}$/;
/** Hours one partition run may be handed: an explicit range's, and then some. */
const MAX_PARTITION_HOURS = MAX_RANGE_DAYS * 24 + 50;

/**
 * What a partition run of a fanning-out rollup absorbs (`fan-out.ts`): its hours, the written
 * marks' tokens its coordinator read before listing them, and when to stop starting objects.
 */
export const partitionSchema = z.strictObject({
  /** The coordinating run. */
  parent: z.string().check(z.regex(/^[0-9A-HJKMNP-TV-Z]{26}$/, 'a ULID')),
  index: z.number().check(z.int(), z.gte(0)),
  of: z.number().check(z.int(), z.gte(1)),
  /** 1 for the first worker of the partition; a retry after a worker was lost counts on. */
  attempt: z.number().check(z.int(), z.gte(1)),
  hours: z.array(z.string().check(z.regex(HOUR_KEY, 'a UTC hour YYYY-MM-DDTHH'))).check(z.minLength(1), z.maxLength(MAX_PARTITION_HOURS)),
  written: z.record(z.string().check(z.regex(HOUR_KEY)), z.string()),
  stopBy: z.iso.datetime({ offset: true }),
});

export type RollupPartition = z.infer<typeof partitionSchema>;

const rangeFields = { from: z.optional(dayOrInstant), to: z.optional(dayOrInstant) };

function checkRange(params: { from?: string | undefined; to?: string | undefined }, ctx: z.core.$RefinementCtx): void {
  if (params.from === undefined || params.to === undefined) return;
  const { fromMs, toStartMs, toEndMs } = approximateSpan(params.from, params.to);
  if (fromMs > toStartMs) ctx.addIssue({ code: 'custom', path: ['from'], message: `from (${params.from}) is after to (${params.to})` });
  if (toEndMs - fromMs > MAX_RANGE_DAYS * DAY_MS) {
    ctx.addIssue({ code: 'custom', path: ['to'], message: `the range ${params.from}..${params.to} is longer than ${MAX_RANGE_DAYS} days` });
  }
}

/**
 * `from` / `to` (both optional): an extra range to scan besides the lookback, for objects that
 * arrived later than the lookback covers. Days are inclusive; a missing `to` means now, a
 * missing `from` the lookback before `to`. `partition` is set only by a rollup that fans out.
 */
export const rollupParams = z.strictObject({ ...rangeFields, partition: z.optional(partitionSchema) }).check(z.superRefine((params, ctx) => {
  if (params.partition && (params.from !== undefined || params.to !== undefined)) {
    ctx.addIssue({ code: 'custom', path: ['partition'], message: 'a partition run takes its hours, not from/to' });
  }
  checkRange(params, ctx);
}));

/** What a caller may ask of a rollup (the API's contract): a range; partitions are the fan-out's own. */
export const rollupRequestParams = z.strictObject(rangeFields).check(z.superRefine(checkRange));

export type RollupParams = z.infer<typeof rollupParams>;
