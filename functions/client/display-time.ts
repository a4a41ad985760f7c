/**
 * How Nightshift shows an instant to a person, on every surface (the CLI's output, the web
 * console, the local cloud's banner): the wall clock of the business time zone (the config's
 * `timezone`) to the second, with that moment's UTC offset — `2026-12-03 09:15:02 -08:00` — and the
 * zone named once: after a lone time (`formatTimeNamed`: `… -08:00 America/Los_Angeles`), or in
 * the heading of a table or list of times (`timeHeading('Created', zone)`). The API and `--json`
 * keep ISO-8601 UTC: this is for reading, not for parsing.
 *
 * Plain `Intl`, so the browser console and Node share it without a time library.
 */

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-CA', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hourCycle: 'h23',
      timeZoneName: 'longOffset',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

interface WallClock {
  year: string;
  month: string;
  day: string;
  hour: string;
  minute: string;
  second: string;
  /** `-08:00`, `+05:30`, `+00:00`. */
  offset: string;
}

function wallClock(instant: Date, timeZone: string): WallClock {
  const parts: Record<string, string> = {};
  for (const part of formatterFor(timeZone).formatToParts(instant)) parts[part.type] = part.value;
  // `GMT-08:00`; UTC is `GMT` in some engines and `GMT+00:00` in others.
  const offset = (parts['timeZoneName'] ?? 'GMT').replace(/^GMT/, '') || '+00:00';
  return { year: parts['year']!, month: parts['month']!, day: parts['day']!, hour: parts['hour']!, minute: parts['minute']!, second: parts['second']!, offset };
}

function toDate(instant: string | Date | null | undefined): Date | undefined {
  if (instant === null || instant === undefined || instant === '') return undefined;
  const date = typeof instant === 'string' ? new Date(instant) : instant;
  return Number.isNaN(date.getTime()) ? undefined : date;
}

/** Whether `Intl` knows the zone (`America/Los_Angeles`, `UTC`). */
export function isTimeZone(timeZone: string): boolean {
  try {
    formatterFor(timeZone);
    return true;
  } catch {
    return false;
  }
}

/** `2026-12-03 09:15:02 -08:00`: the instant on the zone's wall clock; '' for none, the text itself when it is not a time. */
export function formatTime(instant: string | Date | null | undefined, timeZone: string): string {
  const date = toDate(instant);
  if (!date) return typeof instant === 'string' ? instant : '';
  const clock = wallClock(date, timeZone);
  return `${clock.year}-${clock.month}-${clock.day} ${clock.hour}:${clock.minute}:${clock.second} ${clock.offset}`;
}

/** `2026-12-03 09:15:02 -08:00 America/Los_Angeles`: a time shown on its own. */
export function formatTimeNamed(instant: string | Date | null | undefined, timeZone: string): string {
  const text = formatTime(instant, timeZone);
  return text && toDate(instant) ? `${text} ${timeZone}` : text;
}

/** The heading of a column or list of times: `Created (America/Los_Angeles)`. */
export function timeHeading(label: string, timeZone: string): string {
  return `${label} (${timeZone})`;
}

/** The zone's offset from UTC at `instant`, in minutes (-480 for 09:00 -08:00). */
function offsetMinutes(instant: Date, timeZone: string): number {
  const clock = wallClock(instant, timeZone);
  const asUtc = Date.UTC(Number(clock.year), Number(clock.month) - 1, Number(clock.day), Number(clock.hour), Number(clock.minute), Number(clock.second));
  return Math.round((asUtc - Math.floor(instant.getTime() / 1000) * 1000) / 60_000);
}

/**
 * A wall-clock time of the zone (`2026-12-03T09:15`, a `datetime-local` input's value) as the
 * instant it names. A time the zone skips (spring forward) lands after the gap; a repeated one
 * (fall back) means its first occurrence.
 */
export function wallTimeToInstant(wall: string, timeZone: string): Date | undefined {
  const match = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/.exec(wall);
  if (!match) return undefined;
  const [, year, month, day, hour, minute, second] = match;
  const asUtc = Date.UTC(Number(year), Number(month) - 1, Number(day), Number(hour), Number(minute), Number(second ?? 0));
  if (Number.isNaN(asUtc)) return undefined;
  // The offset a day either side: the larger one first finds the first occurrence of a repeated hour.
  const candidates = [offsetMinutes(new Date(asUtc - 86_400_000), timeZone), offsetMinutes(new Date(asUtc + 86_400_000), timeZone)].sort((a, b) => b - a);
  for (const offset of candidates) {
    const instant = new Date(asUtc - offset * 60_000);
    if (offsetMinutes(instant, timeZone) === offset) return instant;
  }
  // In a gap neither offset fits: the wall time read with the offset before the gap, i.e. after it.
  return new Date(asUtc - candidates[1]! * 60_000);
}

/** The instant as the zone's wall clock to the minute, `2026-12-03T09:15`: a `datetime-local` input's value. */
export function instantToWallTime(instant: string | Date | null | undefined, timeZone: string): string {
  const date = toDate(instant);
  if (!date) return '';
  const clock = wallClock(date, timeZone);
  return `${clock.year}-${clock.month}-${clock.day}T${clock.hour}:${clock.minute}`;
}
