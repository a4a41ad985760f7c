import * as z from 'zod';
import { calendarDaySchema } from '../core/time/calendar-day';

/** `YYYY-MM-DD` naming a real calendar day (no 2026-02-30). */
export const localDaySchema = calendarDaySchema();

/** An opaque page cursor as the API hands them out. */
export const cursorSchema = z.string().min(1).max(4096);
