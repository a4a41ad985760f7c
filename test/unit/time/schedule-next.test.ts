import { describe, it, expect } from 'vitest';
import { InvalidTimeZoneError } from '../../../functions/core/time/errors';
import {
  fireTimesBetween,
  nextFireTimes,
  parseScheduleExpression,
  previousFireTime,
  typicalIntervalMs,
  type FireTimeOptions,
} from '../../../functions/core/time/schedule';

// Calendar features are checked in UTC so that expected instants read as the local times.
const UTC: FireTimeOptions = { timezone: 'UTC' };
const LA: FireTimeOptions = { timezone: 'America/Los_Angeles' };

const iso = (dates: readonly Date[]) => dates.map((d) => d.toISOString());

describe('nextFireTimes (cron day rules)', () => {
  it.each([
    // L: last day of the month, 28 in 2027 and 29 in leap 2028.
    ['cron(0 0 L 2 ? *)', '2027-01-01T00:00:00Z', 3, ['2027-02-28T00:00:00.000Z', '2028-02-29T00:00:00.000Z', '2029-02-28T00:00:00.000Z']],
    ['cron(0 0 L * ? *)', '2027-01-15T00:00:00Z', 3, ['2027-01-31T00:00:00.000Z', '2027-02-28T00:00:00.000Z', '2027-03-31T00:00:00.000Z']],
    // LW: last weekday; 2026-05-31 is a Sunday and 2026-10-31 a Saturday.
    ['cron(0 12 LW * ? *)', '2026-05-01T00:00:00Z', 3, ['2026-05-29T12:00:00.000Z', '2026-06-30T12:00:00.000Z', '2026-07-31T12:00:00.000Z']],
    ['cron(0 12 LW 10 ? *)', '2026-01-01T00:00:00Z', 1, ['2026-10-30T12:00:00.000Z']],
    // 15W: 2026-02-15 and 2026-03-15 are Sundays (→ Monday 16th), 2026-04-15 a Wednesday.
    ['cron(0 9 15W * ? *)', '2026-02-01T00:00:00Z', 3, ['2026-02-16T09:00:00.000Z', '2026-03-16T09:00:00.000Z', '2026-04-15T09:00:00.000Z']],
    // 2026-08-15 is a Saturday (→ Friday 14th).
    ['cron(0 9 15W * ? *)', '2026-08-01T00:00:00Z', 1, ['2026-08-14T09:00:00.000Z']],
    // 1W: 2026-08-01 is a Saturday; the nearest weekday inside August is Monday the 3rd, not Friday July 31.
    ['cron(0 0 1W * ? *)', '2026-07-15T00:00:00Z', 3, ['2026-08-03T00:00:00.000Z', '2026-09-01T00:00:00.000Z', '2026-10-01T00:00:00.000Z']],
    // 31W: 2026-05-31 is a Sunday → Friday 29th (not June 1st); June has no 31st.
    ['cron(0 0 31W * ? *)', '2026-05-01T00:00:00Z', 3, ['2026-05-29T00:00:00.000Z', '2026-07-31T00:00:00.000Z', '2026-08-31T00:00:00.000Z']],
    // 6L: last Friday.
    ['cron(0 17 ? * 6L *)', '2026-01-01T00:00:00Z', 3, ['2026-01-30T17:00:00.000Z', '2026-02-27T17:00:00.000Z', '2026-03-27T17:00:00.000Z']],
    // L alone in day-of-week: the last day of every week, Saturday; 7L: the last Saturday of the month.
    ['cron(0 8 ? * L *)', '2026-11-20T00:00:00Z', 2, ['2026-11-21T08:00:00.000Z', '2026-11-28T08:00:00.000Z']],
    ['cron(0 8 ? * 7L *)', '2026-11-20T00:00:00Z', 2, ['2026-11-28T08:00:00.000Z', '2026-12-26T08:00:00.000Z']],
    // 2#1: first Monday.
    ['cron(0 8 ? * 2#1 *)', '2026-01-01T00:00:00Z', 3, ['2026-01-05T08:00:00.000Z', '2026-02-02T08:00:00.000Z', '2026-03-02T08:00:00.000Z']],
    // 3#5: fifth Tuesday, skipping the months that have only four.
    ['cron(0 0 ? * 3#5 *)', '2026-01-01T00:00:00Z', 4, ['2026-03-31T00:00:00.000Z', '2026-06-30T00:00:00.000Z', '2026-09-29T00:00:00.000Z', '2026-12-29T00:00:00.000Z']],
  ])('fires %s after %s at the right days', (expression, after, count, expected) => {
    // Prepare
    const from = new Date(after);

    // Act
    const fires = nextFireTimes(expression, from, count, UTC);

    // Assess
    expect(iso(fires)).toEqual(expected);
  });
});

describe('nextFireTimes (cron fields)', () => {
  it('uses month names, day-name ranges, steps and ranges', () => {
    // Prepare
    const fridayNoon = new Date('2026-11-20T12:00:00Z');

    // Act
    const weekdays = nextFireTimes('cron(30 9 ? * MON-FRI *)', fridayNoon, 3, UTC);
    const halfYears = nextFireTimes('cron(0 0 1 JAN,JUL ? *)', new Date('2026-02-01T00:00:00Z'), 3, UTC);
    const stepped = nextFireTimes('cron(5/20 9-10 * * ? *)', new Date('2026-06-01T00:00:00Z'), 7, UTC);
    const everyThirdHour = nextFireTimes('cron(0 0-6/3 * * ? *)', new Date('2026-06-01T00:00:00Z'), 3, UTC);

    // Assess
    expect(iso(weekdays)).toEqual(['2026-11-23T09:30:00.000Z', '2026-11-24T09:30:00.000Z', '2026-11-25T09:30:00.000Z']);
    expect(iso(halfYears)).toEqual(['2026-07-01T00:00:00.000Z', '2027-01-01T00:00:00.000Z', '2027-07-01T00:00:00.000Z']);
    expect(iso(stepped)).toEqual([
      '2026-06-01T09:05:00.000Z',
      '2026-06-01T09:25:00.000Z',
      '2026-06-01T09:45:00.000Z',
      '2026-06-01T10:05:00.000Z',
      '2026-06-01T10:25:00.000Z',
      '2026-06-01T10:45:00.000Z',
      '2026-06-02T09:05:00.000Z',
    ]);
    expect(iso(everyThirdHour)).toEqual(['2026-06-01T03:00:00.000Z', '2026-06-01T06:00:00.000Z', '2026-06-02T00:00:00.000Z']);
  });

  it('is strictly after the given instant', () => {
    // Prepare
    const exactlyAtSlot = new Date('2026-11-22T11:00:00Z');

    // Act
    const fires = nextFireTimes('cron(0 3 * * ? *)', exactlyAtSlot, 2, LA);

    // Assess
    expect(iso(fires)).toEqual(['2026-11-23T11:00:00.000Z', '2026-11-24T11:00:00.000Z']);
  });

  it('stops at the end of the year field', () => {
    // Prepare
    const from = new Date('2026-01-01T00:00:00Z');

    // Act
    const fires = nextFireTimes('cron(0 12 1 JAN ? 2027,2029)', from, 5, UTC);

    // Assess
    expect(iso(fires)).toEqual(['2027-01-01T12:00:00.000Z', '2029-01-01T12:00:00.000Z']);
  });

  it('answers a far-future year quickly', () => {
    // Prepare
    const from = new Date('2026-01-01T00:00:00Z');
    const started = performance.now();

    // Act
    const fires = nextFireTimes('cron(0 0 1 1 ? 2199)', from, 3, LA);

    // Assess
    expect(iso(fires)).toEqual(['2199-01-01T08:00:00.000Z']);
    expect(performance.now() - started).toBeLessThan(500);
  });

  it.each(['cron(0 0 30 2 ? *)', 'cron(0 0 31 4,6,9,11 ? *)', 'cron(0 0 ? 2 1#5 2027)'])('returns [] quickly for the impossible %s', (expression) => {
    // Prepare
    const from = new Date('2026-01-01T00:00:00Z');
    const started = performance.now();

    // Act
    const fires = nextFireTimes(expression, from, 3, LA);
    const previous = previousFireTime(expression, from, LA);

    // Assess
    expect(fires).toEqual([]);
    expect(previous).toBeUndefined();
    expect(performance.now() - started).toBeLessThan(500);
  });

  it('accepts an already parsed expression', () => {
    // Prepare
    const parsed = parseScheduleExpression('cron(0 3 * * ? *)');

    // Act
    const fires = nextFireTimes(parsed, new Date('2026-11-22T00:00:00Z'), 1, LA);

    // Assess
    expect(iso(fires)).toEqual(['2026-11-22T11:00:00.000Z']);
  });

  it('rejects an unknown time zone', () => {
    // Prepare
    const options: FireTimeOptions = { timezone: 'America/Atlantis' };

    // Act
    const act = () => nextFireTimes('cron(0 3 * * ? *)', new Date('2026-11-22T00:00:00Z'), 1, options);

    // Assess
    expect(act).toThrow(InvalidTimeZoneError);
    expect(act).toThrow('time zone "America/Atlantis" is not an IANA time zone (for example America/Los_Angeles)');
  });
});

describe('nextFireTimes (rate)', () => {
  it('counts fixed intervals from the Unix epoch by default', () => {
    // Prepare
    const after = new Date('2026-06-01T00:02:30Z');

    // Act
    const fires = nextFireTimes('rate(5 minutes)', after, 3, LA);

    // Assess
    expect(iso(fires)).toEqual(['2026-06-01T00:05:00.000Z', '2026-06-01T00:10:00.000Z', '2026-06-01T00:15:00.000Z']);
  });

  it('counts from the anchor, which is itself the first fire', () => {
    // Prepare
    const options: FireTimeOptions = { ...LA, anchor: new Date('2026-06-01T00:01:00Z') };

    // Act
    const afterAnchor = nextFireTimes('rate(5 minutes)', new Date('2026-06-01T00:02:30Z'), 2, options);
    const beforeAnchor = nextFireTimes('rate(5 minutes)', new Date('2026-05-31T00:00:00Z'), 2, options);

    // Assess
    expect(iso(afterAnchor)).toEqual(['2026-06-01T00:06:00.000Z', '2026-06-01T00:11:00.000Z']);
    expect(iso(beforeAnchor)).toEqual(['2026-06-01T00:01:00.000Z', '2026-06-01T00:06:00.000Z']);
  });

  it('keeps exactly 24 hours between daily fires across spring forward (zone-independent)', () => {
    // Prepare
    const options: FireTimeOptions = { ...LA, anchor: new Date('2026-03-07T10:00:00Z') };

    // Act
    const fires = nextFireTimes('rate(1 day)', new Date('2026-03-07T00:00:00Z'), 3, options);

    // Assess
    expect(iso(fires)).toEqual(['2026-03-07T10:00:00.000Z', '2026-03-08T10:00:00.000Z', '2026-03-09T10:00:00.000Z']);
  });
});

describe('nextFireTimes (at)', () => {
  it('fires once at the wall time in the schedule zone', () => {
    // Prepare
    const expression = 'at(2026-11-22T03:00:00)';

    // Act
    const inLA = nextFireTimes(expression, new Date('2026-11-01T00:00:00Z'), 3, LA);
    const inLondon = nextFireTimes('at(2026-07-01T09:00:00)', new Date('2026-06-01T00:00:00Z'), 3, { timezone: 'Europe/London' });
    const afterIt = nextFireTimes(expression, new Date('2026-11-22T11:00:00Z'), 3, LA);

    // Assess
    expect(iso(inLA)).toEqual(['2026-11-22T11:00:00.000Z']);
    expect(iso(inLondon)).toEqual(['2026-07-01T08:00:00.000Z']);
    expect(afterIt).toEqual([]);
  });
});

describe('fireTimesBetween', () => {
  it('returns from < t <= to, ascending', () => {
    // Prepare
    const from = new Date('2026-06-01T00:00:00Z');
    const to = new Date('2026-06-01T05:00:00Z');

    // Act
    const fires = fireTimesBetween('cron(0 * * * ? *)', from, to, UTC, 100);

    // Assess
    expect(iso(fires)).toEqual([
      '2026-06-01T01:00:00.000Z',
      '2026-06-01T02:00:00.000Z',
      '2026-06-01T03:00:00.000Z',
      '2026-06-01T04:00:00.000Z',
      '2026-06-01T05:00:00.000Z',
    ]);
  });

  it('keeps the oldest `limit` fire times when there are more', () => {
    // Prepare
    const from = new Date('2026-06-01T00:00:00Z');
    const to = new Date('2026-06-01T05:00:00Z');

    // Act
    const fires = fireTimesBetween('cron(0 * * * ? *)', from, to, UTC, 3);

    // Assess
    expect(iso(fires)).toEqual(['2026-06-01T01:00:00.000Z', '2026-06-01T02:00:00.000Z', '2026-06-01T03:00:00.000Z']);
  });

  it('bounds an endless rate() by `to`', () => {
    // Prepare
    const from = new Date('2026-06-01T00:00:00Z');
    const to = new Date('2026-06-01T01:00:00Z');

    // Act
    const fires = fireTimesBetween('rate(20 minutes)', from, to, LA, 100);

    // Assess
    expect(iso(fires)).toEqual(['2026-06-01T00:20:00.000Z', '2026-06-01T00:40:00.000Z', '2026-06-01T01:00:00.000Z']);
  });
});

describe('previousFireTime', () => {
  it('gives the latest cron fire strictly before the instant', () => {
    // Prepare
    const atSlot = new Date('2026-11-23T11:00:00Z');

    // Act
    const previous = previousFireTime('cron(0 3 * * ? *)', atSlot, LA);

    // Assess
    expect(previous?.toISOString()).toBe('2026-11-22T11:00:00.000Z');
  });

  it('finds a fire months back and none before the year field starts', () => {
    // Prepare
    const before = new Date('2026-11-23T00:00:00Z');

    // Act
    const lastLeapDay = previousFireTime('cron(0 0 29 2 ? *)', before, UTC);
    const notYet = previousFireTime('cron(0 0 1 1 ? 2027)', before, UTC);

    // Assess
    expect(lastLeapDay?.toISOString()).toBe('2024-02-29T00:00:00.000Z');
    expect(notYet).toBeUndefined();
  });

  it('gives the previous rate() fire, and none at or before the anchor', () => {
    // Prepare
    const options: FireTimeOptions = { ...LA, anchor: new Date('2026-06-01T00:01:00Z') };

    // Act
    const previous = previousFireTime('rate(5 minutes)', new Date('2026-06-01T00:11:00Z'), options);
    const atAnchor = previousFireTime('rate(5 minutes)', new Date('2026-06-01T00:01:00Z'), options);

    // Assess
    expect(previous?.toISOString()).toBe('2026-06-01T00:06:00.000Z');
    expect(atAnchor).toBeUndefined();
  });

  it('gives the at() time only once it has passed', () => {
    // Prepare
    const expression = 'at(2026-11-22T03:00:00)';

    // Act
    const after = previousFireTime(expression, new Date('2026-11-22T11:00:01Z'), LA);
    const atIt = previousFireTime(expression, new Date('2026-11-22T11:00:00Z'), LA);

    // Assess
    expect(after?.toISOString()).toBe('2026-11-22T11:00:00.000Z');
    expect(atIt).toBeUndefined();
  });
});

describe('typicalIntervalMs', () => {
  it.each([
    ['cron(0 */6 * * ? *)', '2026-06-01T00:00:00Z', 6 * 3_600_000],
    ['cron(0 3 * * ? *)', '2026-06-01T00:00:00Z', 24 * 3_600_000],
    ['rate(15 minutes)', '2026-06-01T00:00:00Z', 15 * 60_000],
    // 02:00 does not exist on 2026-03-08, so the gap is 03-07 02:00 PST → 03-09 02:00 PDT.
    ['cron(0 2 * * ? *)', '2026-03-07T00:00:00Z', 47 * 3_600_000],
  ])('gives the cadence of %s around %s', (expression, around, expected) => {
    // Prepare
    const at = new Date(around);

    // Act
    const interval = typicalIntervalMs(expression, at, LA);

    // Assess
    expect(interval).toBe(expected);
  });

  it('is undefined for at() and for a cron with one fire left', () => {
    // Prepare
    const around = new Date('2026-06-01T00:00:00Z');

    // Act
    const oneTime = typicalIntervalMs('at(2026-11-22T03:00:00)', around, LA);
    const lastOne = typicalIntervalMs('cron(0 0 1 1 ? 2027)', around, LA);

    // Assess
    expect(oneTime).toBeUndefined();
    expect(lastOne).toBeUndefined();
  });
});
