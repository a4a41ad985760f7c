import * as z from 'zod/mini';
import '../zod-mini-english';

/** `YYYY-MM-DD`, with the year, month and day captured. */
export const DAY_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Whether `text` is `YYYY-MM-DD` naming a real calendar day (no 2026-02-30). */
export function isCalendarDay(text: string): boolean {
  const match = DAY_PATTERN.exec(text);
  if (!match) return false;
  const ms = Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]));
  return new Date(ms).toISOString().slice(0, 10) === text;
}

/** A calendar day as a zod string; `shape` is what a malformed value is told. */
export function calendarDaySchema(shape = 'a local day, YYYY-MM-DD') {
  return z.string().check(
    z.regex(DAY_PATTERN, shape),
    // zod runs refinements after a failed regex too: only judge what has the shape.
    z.refine((text) => !DAY_PATTERN.test(text) || isCalendarDay(text), 'not a calendar day'),
  );
}
