import { describe, it, expect } from 'vitest';
import { InvalidPeriodError, InvalidTimeZoneError } from '../../../functions/core/time/errors';
import {
  localDay,
  localHourStarts,
  nextPeriod,
  parsePeriodKey,
  periodContaining,
  periodsBetween,
  previousPeriod,
  weekdays,
  type Period,
  type PeriodOptions,
} from '../../../functions/core/time/periods';

const LA: PeriodOptions = { timezone: 'America/Los_Angeles', weekStartsOn: 'monday' };

function nextDay(day: string): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
}

function summary(period: Period) {
  return {
    key: period.key,
    start: period.start.toISOString(),
    end: period.end.toISOString(),
    startLocal: period.startLocal,
    endLocal: period.endLocal,
    hours: period.hours,
  };
}

function thrown(act: () => unknown): unknown {
  try {
    act();
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to throw');
}

describe('periodContaining (day)', () => {
  it.each([
    ['America/Los_Angeles', '2026-03-08', '2026-03-08T08:00:00.000Z', '2026-03-09T07:00:00.000Z', '-08:00', '-07:00', 23],
    ['America/Los_Angeles', '2026-11-01', '2026-11-01T07:00:00.000Z', '2026-11-02T08:00:00.000Z', '-07:00', '-08:00', 25],
    ['America/Los_Angeles', '2027-03-14', '2027-03-14T08:00:00.000Z', '2027-03-15T07:00:00.000Z', '-08:00', '-07:00', 23],
    ['America/Los_Angeles', '2027-11-07', '2027-11-07T07:00:00.000Z', '2027-11-08T08:00:00.000Z', '-07:00', '-08:00', 25],
    ['America/Los_Angeles', '2026-11-22', '2026-11-22T08:00:00.000Z', '2026-11-23T08:00:00.000Z', '-08:00', '-08:00', 24],
    ['Europe/London', '2026-03-29', '2026-03-29T00:00:00.000Z', '2026-03-29T23:00:00.000Z', '+00:00', '+01:00', 23],
    ['Europe/London', '2026-10-25', '2026-10-24T23:00:00.000Z', '2026-10-26T00:00:00.000Z', '+01:00', '+00:00', 25],
  ])('makes %s %s a local day of the right length', (timezone, day, start, end, startOffset, endOffset, hours) => {
    // Prepare
    const noonUtc = new Date(`${day}T12:00:00Z`);

    // Act
    const period = periodContaining('day', noonUtc, { timezone, weekStartsOn: 'monday' });

    // Assess
    expect({ ...summary(period), type: period.type, timezone: period.timezone }).toEqual({
      key: day,
      type: 'day',
      timezone,
      start,
      end,
      startLocal: `${day}T00:00:00.000${startOffset}`,
      endLocal: `${nextDay(day)}T00:00:00.000${endOffset}`,
      hours,
    });
  });

  it('puts an instant before local midnight in the previous local day', () => {
    // Prepare
    const lastMs = new Date('2026-11-23T07:59:59.999Z');
    const midnight = new Date('2026-11-23T08:00:00.000Z');

    // Act
    const keys = [periodContaining('day', lastMs, LA).key, periodContaining('day', midnight, LA).key];

    // Assess
    expect(keys).toEqual(['2026-11-22', '2026-11-23']);
  });
});

describe('periodContaining (week)', () => {
  it.each([
    // ISO weeks for Monday starts: 2026 has 53 of them, and 2027-W01 starts on 2027-01-04.
    ['monday', '2027-01-01T20:00:00Z', '2026-W53', '2026-12-28T00:00:00.000-08:00', '2027-01-04T00:00:00.000-08:00', 168],
    ['monday', '2027-01-04T20:00:00Z', '2027-W01', '2027-01-04T00:00:00.000-08:00', '2027-01-11T00:00:00.000-08:00', 168],
    // The last days of 2025 belong to ISO week-year 2026.
    ['monday', '2025-12-31T20:00:00Z', '2026-W01', '2025-12-29T00:00:00.000-08:00', '2026-01-05T00:00:00.000-08:00', 168],
    // The week containing the fall-back Sunday has 169 hours.
    ['monday', '2026-11-01T20:00:00Z', '2026-W44', '2026-10-26T00:00:00.000-07:00', '2026-11-02T00:00:00.000-08:00', 169],
    // Sunday starts: named after the ISO week of the 4th day (Wed 2026-11-25 is in W48).
    ['sunday', '2026-11-28T20:00:00Z', '2026-W48', '2026-11-22T00:00:00.000-08:00', '2026-11-29T00:00:00.000-08:00', 168],
    ['sunday', '2027-01-02T20:00:00Z', '2026-W53', '2026-12-27T00:00:00.000-08:00', '2027-01-03T00:00:00.000-08:00', 168],
  ] as const)('with %s starts, puts %s in %s', (weekStartsOn, instant, key, startLocal, endLocal, hours) => {
    // Prepare
    const options: PeriodOptions = { ...LA, weekStartsOn };

    // Act
    const week = periodContaining('week', new Date(instant), options);

    // Assess
    expect({ key: week.key, startLocal: week.startLocal, endLocal: week.endLocal, hours: week.hours }).toEqual({ key, startLocal, endLocal, hours });
  });

  it.each(weekdays)('round-trips key → period → key for every week with %s starts (2025-2028)', (weekStartsOn) => {
    // Prepare
    const options: PeriodOptions = { ...LA, weekStartsOn };
    let week = periodContaining('week', new Date('2025-11-01T12:00:00Z'), options);
    const seen: string[] = [];
    const mismatches: string[] = [];

    // Act
    while (week.start.getTime() < Date.parse('2029-02-01T00:00:00Z')) {
      const parsed = parsePeriodKey(week.key, options);
      if (parsed.key !== week.key || parsed.start.getTime() !== week.start.getTime()) mismatches.push(`${week.key} → ${parsed.key} @ ${parsed.startLocal}`);
      seen.push(week.key);
      week = nextPeriod(week, options);
    }

    // Assess
    expect(mismatches).toEqual([]);
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen).toContain('2026-W53');
  });
});

describe('periodContaining (month)', () => {
  it.each([
    ['2026-02-15T12:00:00Z', '2026-02', '2026-02-01T00:00:00.000-08:00', '2026-03-01T00:00:00.000-08:00', 672],
    ['2026-03-15T12:00:00Z', '2026-03', '2026-03-01T00:00:00.000-08:00', '2026-04-01T00:00:00.000-07:00', 743],
    ['2026-11-15T12:00:00Z', '2026-11', '2026-11-01T00:00:00.000-07:00', '2026-12-01T00:00:00.000-08:00', 721],
  ])('makes the month containing %s a local calendar month', (instant, key, startLocal, endLocal, hours) => {
    // Prepare
    const at = new Date(instant);

    // Act
    const month = periodContaining('month', at, LA);

    // Assess
    expect({ key: month.key, startLocal: month.startLocal, endLocal: month.endLocal, hours: month.hours }).toEqual({ key, startLocal, endLocal, hours });
  });
});

describe('previousPeriod', () => {
  // A daily schedule slot at 03:00 local on Monday 2026-11-23.
  const slot = new Date('2026-11-23T11:00:00Z');

  it('gives the previous local day for a slot time', () => {
    // Prepare
    const options = LA;

    // Act
    const day = previousPeriod('day', slot, options);

    // Assess
    expect(summary(day)).toEqual({
      key: '2026-11-22',
      start: '2026-11-22T08:00:00.000Z',
      end: '2026-11-23T08:00:00.000Z',
      startLocal: '2026-11-22T00:00:00.000-08:00',
      endLocal: '2026-11-23T00:00:00.000-08:00',
      hours: 24,
    });
  });

  it('gives the previous complete week, for Monday and Sunday starts', () => {
    // Prepare
    const sundayStart: PeriodOptions = { ...LA, weekStartsOn: 'sunday' };

    // Act
    const mondayWeek = previousPeriod('week', slot, LA);
    const sundayWeek = previousPeriod('week', slot, sundayStart);

    // Assess
    expect([mondayWeek.key, mondayWeek.startLocal, mondayWeek.endLocal]).toEqual([
      '2026-W47',
      '2026-11-16T00:00:00.000-08:00',
      '2026-11-23T00:00:00.000-08:00',
    ]);
    expect([sundayWeek.key, sundayWeek.startLocal, sundayWeek.endLocal]).toEqual([
      '2026-W47',
      '2026-11-15T00:00:00.000-08:00',
      '2026-11-22T00:00:00.000-08:00',
    ]);
  });

  it('gives the previous month, which ends at a midnight still in daylight time', () => {
    // Prepare
    const options = LA;

    // Act
    const month = previousPeriod('month', slot, options);

    // Assess
    expect(summary(month)).toEqual({
      key: '2026-10',
      start: '2026-10-01T07:00:00.000Z',
      end: '2026-11-01T07:00:00.000Z',
      startLocal: '2026-10-01T00:00:00.000-07:00',
      endLocal: '2026-11-01T00:00:00.000-07:00',
      hours: 744,
    });
  });

  it('gives the 25-hour fall-back day for a slot just after the next midnight', () => {
    // Prepare
    const justAfterMidnight = new Date('2026-11-02T08:30:00Z');

    // Act
    const day = previousPeriod('day', justAfterMidnight, LA);

    // Assess
    expect([day.key, day.hours]).toEqual(['2026-11-01', 25]);
  });

  it('rejects an invalid instant with InvalidPeriodError', () => {
    // Prepare
    const invalid = new Date('not a date');

    // Act
    const error = thrown(() => previousPeriod('day', invalid, LA));

    // Assess
    expect(error).toBeInstanceOf(InvalidPeriodError);
    expect((error as InvalidPeriodError).message).toBe('instant Invalid Date is not a valid date');
  });
});

describe('nextPeriod', () => {
  it.each([
    ['2026-12', '2027-01'],
    ['2026-W53', '2027-W01'],
    ['2026-03-08', '2026-03-09'],
    ['2026-12-31', '2027-01-01'],
  ])('follows %s with %s', (key, expected) => {
    // Prepare
    const period = parsePeriodKey(key, LA);

    // Act
    const next = nextPeriod(period, LA);

    // Assess
    expect(next.key).toBe(expected);
    expect(next.start.toISOString()).toBe(period.end.toISOString());
  });
});

describe('parsePeriodKey', () => {
  it.each([
    ['2026-11-22', 'day', '2026-11-22T00:00:00.000-08:00', '2026-11-23T00:00:00.000-08:00'],
    ['2028-02-29', 'day', '2028-02-29T00:00:00.000-08:00', '2028-03-01T00:00:00.000-08:00'],
    ['2026-W47', 'week', '2026-11-16T00:00:00.000-08:00', '2026-11-23T00:00:00.000-08:00'],
    ['2027-W01', 'week', '2027-01-04T00:00:00.000-08:00', '2027-01-11T00:00:00.000-08:00'],
    ['2026-11', 'month', '2026-11-01T00:00:00.000-07:00', '2026-12-01T00:00:00.000-08:00'],
  ])('detects %s as a %s', (key, type, startLocal, endLocal) => {
    // Prepare
    const options = LA;

    // Act
    const period = parsePeriodKey(key, options);

    // Assess
    expect({ key: period.key, type: period.type, startLocal: period.startLocal, endLocal: period.endLocal }).toEqual({ key, type, startLocal, endLocal });
  });

  it.each([
    ['2026-13', '"2026-13": month 13 is out of range 01-12'],
    ['2026-00', '"2026-00": month 00 is out of range 01-12'],
    ['2026-02-30', '"2026-02-30": day 30 does not exist in 2026-02 (it has 28 days)'],
    ['2027-02-29', '"2027-02-29": day 29 does not exist in 2027-02 (it has 28 days)'],
    ['2026-W54', '"2026-W54": ISO week-year 2026 has weeks W01-W53, not W54'],
    ['2027-W53', '"2027-W53": ISO week-year 2027 has weeks W01-W52, not W53'],
    ['2026-W00', '"2026-W00": ISO week-year 2026 has weeks W01-W53, not W00'],
    ['yesterday', '"yesterday" is not a period key; expected a day (2026-11-22), an ISO week (2026-W47) or a month (2026-11)'],
    ['2026-1-5', '"2026-1-5" is not a period key; expected a day (2026-11-22), an ISO week (2026-W47) or a month (2026-11)'],
  ])('rejects %s', (key, message) => {
    // Prepare
    const options = LA;

    // Act
    const error = thrown(() => parsePeriodKey(key, options));

    // Assess
    expect(error).toBeInstanceOf(InvalidPeriodError);
    expect((error as InvalidPeriodError).code).toBe('invalid_period');
    expect((error as InvalidPeriodError).message).toBe(message);
  });

  it('rejects an unknown time zone', () => {
    // Prepare
    const options: PeriodOptions = { timezone: 'Mars/Olympus_Mons', weekStartsOn: 'monday' };

    // Act
    const error = thrown(() => parsePeriodKey('2026-11-22', options));

    // Assess
    expect(error).toBeInstanceOf(InvalidTimeZoneError);
    expect((error as InvalidTimeZoneError).code).toBe('invalid_timezone');
    expect((error as InvalidTimeZoneError).message).toBe('time zone "Mars/Olympus_Mons" is not an IANA time zone (for example America/Los_Angeles)');
  });
});

describe('periodsBetween', () => {
  it('lists days inclusively, with their DST lengths', () => {
    // Prepare
    const options = LA;

    // Act
    const days = periodsBetween('day', '2026-03-07', '2026-03-09', options, 10);

    // Assess
    expect(days.map((d) => [d.key, d.hours])).toEqual([
      ['2026-03-07', 24],
      ['2026-03-08', 23],
      ['2026-03-09', 24],
    ]);
  });

  it('lists Sunday-start weeks across the 53-week year boundary', () => {
    // Prepare
    const options: PeriodOptions = { ...LA, weekStartsOn: 'sunday' };

    // Act
    const weeks = periodsBetween('week', '2026-W52', '2027-W02', options, 10);

    // Assess
    expect(weeks.map((w) => [w.key, w.startLocal])).toEqual([
      ['2026-W52', '2026-12-20T00:00:00.000-08:00'],
      ['2026-W53', '2026-12-27T00:00:00.000-08:00'],
      ['2027-W01', '2027-01-03T00:00:00.000-08:00'],
      ['2027-W02', '2027-01-10T00:00:00.000-08:00'],
    ]);
  });

  it('returns a single period when first and last are the same', () => {
    // Prepare
    const options = LA;

    // Act
    const months = periodsBetween('month', '2026-11', '2026-11', options, 1);

    // Assess
    expect(months.map((m) => m.key)).toEqual(['2026-11']);
  });

  it.each([
    ['day', '2026-03-09', '2026-03-07', 10, 'range 2026-03-09..2026-03-07 is backwards: "2026-03-09" comes after "2026-03-07"'],
    ['month', '2026-01', '2026-12', 6, 'range 2026-01..2026-12 has more than 6 month periods (the limit)'],
    ['day', '2026-11', '2026-12', 10, 'first key "2026-11" is a month, expected a day key'],
    ['week', '2026-W01', '2026-02', 10, 'last key "2026-02" is a month, expected a week key'],
  ] as const)('rejects %s %s..%s (limit %d)', (type, first, last, limit, message) => {
    // Prepare
    const options = LA;

    // Act
    const error = thrown(() => periodsBetween(type, first, last, options, limit));

    // Assess
    expect(error).toBeInstanceOf(InvalidPeriodError);
    expect((error as InvalidPeriodError).message).toBe(message);
  });
});

describe('localDay', () => {
  it('gives the calendar date in the zone, not in UTC', () => {
    // Prepare
    const lateEvening = new Date('2026-11-23T07:59:59Z');
    const midnight = new Date('2026-11-23T08:00:00Z');

    // Act
    const days = [localDay(lateEvening, 'America/Los_Angeles'), localDay(midnight, 'America/Los_Angeles'), localDay(lateEvening, 'Europe/London')];

    // Assess
    expect(days).toEqual(['2026-11-22', '2026-11-23', '2026-11-23']);
  });
});

describe('localHourStarts', () => {
  it.each([
    // Spring forward: 01:00 PST is followed by 03:00 PDT.
    ['America/Los_Angeles', '2026-03-08', 23, ['2026-03-08T08:00:00.000Z', '2026-03-08T09:00:00.000Z', '2026-03-08T10:00:00.000Z'], '2026-03-09T06:00:00.000Z'],
    // Fall back: 01:00 PDT and 01:00 PST are both hours of the day.
    ['America/Los_Angeles', '2026-11-01', 25, ['2026-11-01T07:00:00.000Z', '2026-11-01T08:00:00.000Z', '2026-11-01T09:00:00.000Z'], '2026-11-02T07:00:00.000Z'],
    ['Europe/London', '2026-07-01', 24, ['2026-06-30T23:00:00.000Z', '2026-07-01T00:00:00.000Z', '2026-07-01T01:00:00.000Z'], '2026-07-01T22:00:00.000Z'],
  ])('gives the hour starts of %s %s', (timezone, day, length, firstThree, last) => {
    // Prepare
    const input = day;

    // Act
    const starts = localHourStarts(input, timezone);

    // Assess
    expect(starts).toHaveLength(length);
    expect(starts.slice(0, 3).map((d) => d.toISOString())).toEqual(firstThree);
    expect(starts.at(-1)?.toISOString()).toBe(last);
  });
});
