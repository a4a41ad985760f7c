import * as z from 'zod/mini';
import '../zod-mini-english';

export const catchUpModes = ['none', 'latest', 'all'] as const;
export type CatchUpMode = (typeof catchUpModes)[number];

const UNIT_MS = { m: 60_000, h: 3_600_000, d: 86_400_000 } as const;
/** The sweeper's own limit on how far back it looks (as `sweeper.catchUpWindowDays`). */
const MAX_WINDOW_MS = 90 * UNIT_MS.d;

/** `90m`, `36h`, `7d` → milliseconds; undefined for anything else. */
export function durationMs(text: string): number | undefined {
  const match = /^([1-9][0-9]{0,4})([mhd])$/.exec(text);
  if (!match) return undefined;
  return Number(match[1]) * UNIT_MS[match[2] as keyof typeof UNIT_MS];
}

const windowSchema = z.string().check(z.superRefine((text, ctx) => {
  const ms = durationMs(text);
  if (ms === undefined) ctx.addIssue({ code: 'custom', message: `"${text}" is not a duration: a whole number then m, h or d (90m, 36h, 7d)` });
  else if (ms > MAX_WINDOW_MS) ctx.addIssue({ code: 'custom', message: `${text} is longer than the sweeper looks back (at most 90d)` });
}));

/**
 * A schedule's catch-up policy (what Temporal and Airflow let users choose): `none` leaves missed
 * slots missed, `latest` makes up only the newest missed slot (and only when nothing newer ran),
 * `all` makes up every missed slot of the window, oldest first, `maxPerSweep` at a time.
 */
export const catchUpSchema = z.strictObject({
  mode: z.optional(z.enum(catchUpModes)),
  /** How far back a missed slot is still made up: `90m`, `36h`, `7d`. */
  window: z.optional(windowSchema),
  maxPerSweep: z.optional(z.number().check(z.int(), z.gte(1), z.lte(100))),
}).check(z.superRefine((policy, ctx) => {
  if (policy.mode !== 'none') return;
  for (const field of ['window', 'maxPerSweep'] as const) {
    if (policy[field] !== undefined) ctx.addIssue({ code: 'custom', path: [field], message: `has no effect with mode 'none' (nothing is caught up): remove it or choose 'latest' or 'all'` });
  }
}));
export type CatchUpSettings = z.infer<typeof catchUpSchema>;

/** A window no longer than the settle time could never make anything up: named, not ignored. */
export function catchUpConfigIssues(config: Record<string, unknown>): { path: (string | number)[]; message: string }[] {
  const schedules = config['schedules'];
  const sweeper = config['sweeper'];
  const settleMinutes = isRecord(sweeper) && typeof sweeper['settleMinutes'] === 'number' ? sweeper['settleMinutes'] : 10;
  if (!isRecord(schedules)) return [];
  return Object.entries(schedules).flatMap(([name, schedule]) => {
    const catchUp = isRecord(schedule) ? schedule['catchUp'] : undefined;
    const window = isRecord(catchUp) && typeof catchUp['window'] === 'string' ? durationMs(catchUp['window']) : undefined;
    if (window === undefined || window > settleMinutes * 60_000) return [];
    return [{ path: ['schedules', name, 'catchUp', 'window'], message: `must be longer than sweeper.settleMinutes (${settleMinutes}m): younger slots are left to their own delivery` }];
  });
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
