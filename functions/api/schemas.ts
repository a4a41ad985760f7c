import { z } from 'zod';

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

/** `YYYY-MM-DD` naming a real calendar day (no 2026-02-30). */
export const localDaySchema = z
  .string()
  .regex(DAY, 'a local day, YYYY-MM-DD')
  // zod runs refinements after a failed regex too: only judge what has the shape.
  .refine((text) => {
    const match = DAY.exec(text);
    if (!match) return true;
    const ms = Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]));
    return new Date(ms).toISOString().slice(0, 10) === text;
  }, 'not a calendar day');

/** An opaque page cursor as the API hands them out. */
export const cursorSchema = z.string().min(1).max(4096);
