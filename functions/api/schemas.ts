import * as z from 'zod/mini';
import '../core/zod-mini-english';
import { calendarDaySchema } from '../core/time/calendar-day';

/** `YYYY-MM-DD` naming a real calendar day (no 2026-02-30). */
export const localDaySchema = calendarDaySchema();

/** An opaque page cursor as the API hands them out. */
export const cursorSchema = z.string().check(z.minLength(1), z.maxLength(4096));
