import { DateTime } from 'luxon';

/**
 * How the server side shows an instant to a person (the local cloud's banner, the words of a
 * health verdict): the business zone's wall clock to the second with its offset,
 * `2026-12-03 09:15:02 -08:00`. The CLI and the console use the same convention through
 * `functions/client/display-time.ts` (Intl, no server code); a test holds the two to the same text.
 */
export function formatLocalTime(instant: Date | string, timezone: string): string {
  const time = typeof instant === 'string' ? DateTime.fromISO(instant, { setZone: false }) : DateTime.fromJSDate(instant);
  return time.setZone(timezone).toFormat('yyyy-MM-dd HH:mm:ss ZZ');
}

/** `2026-12-03 09:15:02 -08:00 America/Los_Angeles`: a time shown on its own names its zone. */
export function formatLocalTimeNamed(instant: Date | string, timezone: string): string {
  return `${formatLocalTime(instant, timezone)} ${timezone}`;
}
