import { describe, expect, it } from 'vitest';
import { formatTime, formatTimeNamed, instantToWallTime, isTimeZone, timeHeading, wallTimeToInstant } from '../../../functions/client/display-time';
import { formatLocalTime, formatLocalTimeNamed } from '../../../functions/core/time/display';

const LA = 'America/Los_Angeles';

describe('the time display convention', () => {
  it.each([
    ['winter, milliseconds dropped', '2026-12-03T17:15:02.987Z', LA, '2026-12-03 09:15:02 -08:00'],
    ['summer time', '2026-07-04T16:00:00Z', LA, '2026-07-04 09:00:00 -07:00'],
    ['the first instant after spring forward', '2026-03-08T10:00:00Z', LA, '2026-03-08 03:00:00 -07:00'],
    ['the second 01:30 when clocks fall back', '2026-11-01T09:30:00Z', LA, '2026-11-01 01:30:00 -08:00'],
    ['UTC', '2026-01-01T00:00:00Z', 'UTC', '2026-01-01 00:00:00 +00:00'],
    ['a half-hour zone, across midnight', '2026-06-30T19:00:00Z', 'Asia/Kolkata', '2026-07-01 00:30:00 +05:30'],
    ['midnight is 00, never 24', '2026-06-30T07:00:00Z', LA, '2026-06-30 00:00:00 -07:00'],
  ])('%s: %s in %s is %s, the same on the client and the server side', (_case, iso, zone, expected) => {
    // Act
    const client = formatTime(iso, zone);
    const server = formatLocalTime(iso, zone);

    // Assess
    expect(client).toBe(expected);
    expect(server).toBe(expected);
    expect(formatTimeNamed(new Date(iso), zone)).toBe(`${expected} ${zone}`);
    expect(formatLocalTimeNamed(new Date(iso), zone)).toBe(`${expected} ${zone}`);
  });

  it('shows nothing for no time, and text that is not a time as it came', () => {
    // Assess
    expect(formatTime(undefined, LA)).toBe('');
    expect(formatTime(null, LA)).toBe('');
    expect(formatTimeNamed('', LA)).toBe('');
    expect(formatTimeNamed('soon', LA)).toBe('soon');
  });

  it('names the zone in a heading, and knows a zone from a typo', () => {
    // Assess
    expect(timeHeading('CREATED', LA)).toBe('CREATED (America/Los_Angeles)');
    expect(isTimeZone(LA)).toBe(true);
    expect(isTimeZone('America/Los_Angles')).toBe(false);
  });

  it.each([
    ['an ordinary time', '2026-12-03T09:15', '2026-12-03T17:15:00.000Z'],
    ['a time the spring-forward gap skips lands after it', '2026-03-08T02:30', '2026-03-08T10:30:00.000Z'],
    ['a time the fall-back overlap repeats is its first occurrence', '2026-11-01T01:30', '2026-11-01T08:30:00.000Z'],
    ['seconds are read too', '2026-12-03T09:15:30', '2026-12-03T17:15:30.000Z'],
  ])('reads a wall-clock input of the zone: %s', (_case, wall, instant) => {
    // Act
    const read = wallTimeToInstant(wall, LA);

    // Assess
    expect(read?.toISOString()).toBe(instant);
  });

  it('writes an instant back as the wall clock an input shows, and refuses what is not a wall time', () => {
    // Assess
    expect(instantToWallTime('2026-12-03T17:15:59Z', LA)).toBe('2026-12-03T09:15');
    expect(instantToWallTime('2026-07-01T00:30:00Z', 'Asia/Kolkata')).toBe('2026-07-01T06:00');
    expect(instantToWallTime(undefined, LA)).toBe('');
    expect(wallTimeToInstant('2026-12-03 09:15', LA)).toBeUndefined();
    expect(wallTimeToInstant('', LA)).toBeUndefined();
  });
});
