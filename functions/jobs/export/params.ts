import * as z from 'zod/mini';
import '../../core/zod-mini-english';
import { snapshotPeriodNameList } from '../../core/snapshots/document';
import { calendarDaySchema, isCalendarDay } from '../../core/time/calendar-day';

/** An export covers at most this many local days (a year, leap day included). */
export const MAX_EXPORT_DAYS = 366;
const DAY_MS = 86_400_000;

/** Calendar days from `from` to `to`, both included; local days count the same in any zone. */
export function daysInRange(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS) + 1;
}

const localDay = calendarDaySchema('a local day like 2026-11-22 (YYYY-MM-DD)');

const nameSchema = z.string().check(z.regex(/^[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?$/, 'a slug: lowercase letters, digits and inner hyphens, at most 40 characters'));

/** Where the rows come from: the rollup's daily stats, or snapshot items (one row per period and scope). */
export const exportSources = ['stats', 'snapshots'] as const;
export type ExportSource = (typeof exportSources)[number];

export const exportFormats = ['csv', 'json'] as const;
export type ExportFormat = (typeof exportFormats)[number];

/**
 * What to export. `from`/`to` (local days, inclusive) may be left out only by a run that covers a
 * period (the weekly schedule): it then exports that period's days. Names of metrics and
 * dimensions are checked against the config by `planExport`, which knows it.
 */
export const exportParams = z.strictObject({
  from: z.optional(localDay),
  to: z.optional(localDay),
  format: z._default(z.enum(exportFormats, { message: `one of ${exportFormats.join(', ')}` }), 'csv'),
  metrics: z.optional(z.array(z.string().check(z.minLength(1), z.maxLength(64))).check(z.minLength(1, 'name at least one metric, or leave metrics out for all'), z.maxLength(100))),
  groupBy: z.optional(z.array(z.string().check(z.minLength(1), z.maxLength(64))).check(z.maxLength(10))),
  source: z._default(z.enum(exportSources, { message: `one of ${exportSources.join(', ')}` }), 'stats'),
  /** With `source: snapshots`: which snapshots (default daily); `from`/`to` pick periods by their first day. */
  periodType: z.optional(z.enum(snapshotPeriodNameList, { message: `one of ${snapshotPeriodNameList.join(', ')}` })),
  /** With `source: snapshots`: only this scope (`overall`, `store=s01`). */
  scope: z.optional(z.string().check(z.minLength(1), z.maxLength(200))),
  name: z.optional(nameSchema),
}).check(z.superRefine((params, ctx) => {
  if (params.source === 'stats') {
    for (const field of ['periodType', 'scope'] as const) {
      if (params[field] !== undefined) ctx.addIssue({ code: 'custom', path: [field], message: 'only with source "snapshots"' });
    }
  }
  if (params.source === 'snapshots' && params.groupBy !== undefined) {
    ctx.addIssue({ code: 'custom', path: ['groupBy'], message: 'snapshots are already one row per scope: pick one with scope instead' });
  }
  for (const field of ['metrics', 'groupBy'] as const) {
    const names = params[field] ?? [];
    const repeated = names.find((name, index) => names.indexOf(name) !== index);
    if (repeated !== undefined) ctx.addIssue({ code: 'custom', path: [field], message: `"${repeated}" is listed twice` });
  }
  if ((params.from === undefined) !== (params.to === undefined)) {
    ctx.addIssue({ code: 'custom', path: [params.from === undefined ? 'from' : 'to'], message: 'give both from and to, or neither (a period run)' });
    return;
  }
  if (params.from === undefined || params.to === undefined || !isCalendarDay(params.from) || !isCalendarDay(params.to)) return;
  const days = daysInRange(params.from, params.to);
  if (days < 1) ctx.addIssue({ code: 'custom', path: ['from'], message: `from (${params.from}) is after to (${params.to})` });
  if (days > MAX_EXPORT_DAYS) {
    ctx.addIssue({ code: 'custom', path: ['to'], message: `the range ${params.from}..${params.to} has ${days} days; at most ${MAX_EXPORT_DAYS}` });
  }
}));

export type ExportParams = z.infer<typeof exportParams>;
