import { describe, it, expect } from 'vitest';
import { DateTime } from 'luxon';
import { periodContaining } from '../../../functions/core/time/periods';
import {
  fireTimesBetween,
  intendedSlotsBetween,
  nextFireTimes,
  parseScheduleExpression,
  previousFireTime,
  scheduleWarnings,
  type FireTimeOptions,
} from '../../../functions/core/time/schedule';
import { cronMatches } from '../../../functions/core/time/schedule/calendar';

// EventBridge Scheduler's DST rules: cron fields match LOCAL wall-clock time; a wall time that
// does not exist (spring forward) is skipped; one that happens twice (fall back) fires once, at
// its first occurrence.
const LA: FireTimeOptions = { timezone: 'America/Los_Angeles' };
const LONDON: FireTimeOptions = { timezone: 'Europe/London' };

const iso = (dates: readonly Date[]) => dates.map((d) => d.toISOString());

/** Fire times of a cron over one whole local day. */
function firesOnLocalDay(expression: string, day: string, options: FireTimeOptions): Date[] {
  const period = periodContaining('day', new Date(`${day}T12:00:00Z`), { timezone: options.timezone, weekStartsOn: 'monday' });
  return fireTimesBetween(expression, new Date(period.start.getTime() - 1), new Date(period.end.getTime() - 1), options, 1000);
}

describe('cron across spring forward', () => {
  it.each([
    ['2026-03-06T00:00:00Z', ['2026-03-06T10:30:00.000Z', '2026-03-07T10:30:00.000Z', '2026-03-09T09:30:00.000Z', '2026-03-10T09:30:00.000Z']],
    ['2027-03-13T00:00:00Z', ['2027-03-13T10:30:00.000Z', '2027-03-15T09:30:00.000Z', '2027-03-16T09:30:00.000Z', '2027-03-17T09:30:00.000Z']],
  ])('skips the nonexistent 02:30 slot in America/Los_Angeles (after %s)', (after, expected) => {
    // Prepare
    const from = new Date(after);

    // Act
    const fires = nextFireTimes('cron(30 2 * * ? *)', from, 4, LA);

    // Assess
    expect(iso(fires)).toEqual(expected);
  });

  it.each([
    ['2026-03-27T12:00:00Z', ['2026-03-28T01:30:00.000Z', '2026-03-30T00:30:00.000Z', '2026-03-31T00:30:00.000Z']],
    ['2027-03-26T12:00:00Z', ['2027-03-27T01:30:00.000Z', '2027-03-29T00:30:00.000Z', '2027-03-30T00:30:00.000Z']],
  ])('skips the nonexistent 01:30 slot in Europe/London (after %s)', (after, expected) => {
    // Prepare
    const from = new Date(after);

    // Act
    const fires = nextFireTimes('cron(30 1 * * ? *)', from, 3, LONDON);

    // Assess
    expect(iso(fires)).toEqual(expected);
  });

  it.each([
    ['America/Los_Angeles', '2026-03-08', '2026-03-08T08:00:00.000Z', '2026-03-09T06:00:00.000Z'],
    ['America/Los_Angeles', '2027-03-14', '2027-03-14T08:00:00.000Z', '2027-03-15T06:00:00.000Z'],
    ['Europe/London', '2026-03-29', '2026-03-29T00:00:00.000Z', '2026-03-29T22:00:00.000Z'],
    ['Europe/London', '2027-03-28', '2027-03-28T00:00:00.000Z', '2027-03-28T22:00:00.000Z'],
  ])('fires an hourly cron 23 times, one UTC hour apart, in %s on %s', (timezone, day, first, last) => {
    // Prepare
    const options: FireTimeOptions = { timezone };

    // Act
    const fires = firesOnLocalDay('cron(0 * * * ? *)', day, options);

    // Assess
    expect(fires).toHaveLength(23);
    expect(fires[0]?.toISOString()).toBe(first);
    expect(fires[22]?.toISOString()).toBe(last);
    const gaps = fires.slice(1).map((d, i) => d.getTime() - (fires[i]?.getTime() ?? 0));
    expect(new Set(gaps)).toEqual(new Set([3_600_000]));
  });

  it('skips the two half-hour slots of the missing hour for cron(0/30 * * * ? *)', () => {
    // Prepare
    const day = '2026-03-08';

    // Act
    const fires = firesOnLocalDay('cron(0/30 * * * ? *)', day, LA);

    // Assess
    expect(fires).toHaveLength(46);
    expect(iso(fires.slice(2, 6))).toEqual([
      '2026-03-08T09:00:00.000Z', // 01:00 PST
      '2026-03-08T09:30:00.000Z', // 01:30 PST
      '2026-03-08T10:00:00.000Z', // 03:00 PDT (02:00 and 02:30 do not exist)
      '2026-03-08T10:30:00.000Z', // 03:30 PDT
    ]);
  });
});

describe('cron across fall back', () => {
  it.each([
    ['2026-10-31T00:00:00Z', ['2026-10-31T08:30:00.000Z', '2026-11-01T08:30:00.000Z', '2026-11-02T09:30:00.000Z']],
    ['2027-11-06T00:00:00Z', ['2027-11-06T08:30:00.000Z', '2027-11-07T08:30:00.000Z', '2027-11-08T09:30:00.000Z']],
  ])('fires the repeated 01:30 once, at the PDT occurrence, in America/Los_Angeles (after %s)', (after, expected) => {
    // Prepare
    const from = new Date(after);

    // Act
    const fires = nextFireTimes('cron(30 1 * * ? *)', from, 3, LA);

    // Assess
    expect(iso(fires)).toEqual(expected);
  });

  it.each([
    ['2026-10-24T12:00:00Z', ['2026-10-25T00:30:00.000Z', '2026-10-26T01:30:00.000Z']],
    ['2027-10-30T12:00:00Z', ['2027-10-31T00:30:00.000Z', '2027-11-01T01:30:00.000Z']],
  ])('fires the repeated 01:30 once, at the BST occurrence, in Europe/London (after %s)', (after, expected) => {
    // Prepare
    const from = new Date(after);

    // Act
    const fires = nextFireTimes('cron(30 1 * * ? *)', from, 2, LONDON);

    // Assess
    expect(iso(fires)).toEqual(expected);
  });

  it.each([
    ['America/Los_Angeles', '2026-11-01', '2026-11-01T08:00:00.000Z', '2026-11-01T09:00:00.000Z'],
    ['America/Los_Angeles', '2027-11-07', '2027-11-07T08:00:00.000Z', '2027-11-07T09:00:00.000Z'],
    ['Europe/London', '2026-10-25', '2026-10-25T00:00:00.000Z', '2026-10-25T01:00:00.000Z'],
    ['Europe/London', '2027-10-31', '2027-10-31T00:00:00.000Z', '2027-10-31T01:00:00.000Z'],
  ])('fires an hourly cron 24 times without duplicates in %s on %s (the 25-hour day)', (timezone, day, firstOne, secondOne) => {
    // Prepare
    const options: FireTimeOptions = { timezone };

    // Act
    const fires = firesOnLocalDay('cron(0 * * * ? *)', day, options);

    // Assess
    const instants = iso(fires);
    expect(instants).toHaveLength(24);
    expect(new Set(instants).size).toBe(24);
    expect(instants).toContain(firstOne);
    expect(instants).not.toContain(secondOne);
    expect([...instants].sort()).toEqual(instants);
  });

  it('lists the exact UTC instants of an hourly cron around the LA fall-back', () => {
    // Prepare
    const after = new Date('2026-11-01T06:30:00Z'); // 23:30 PDT on Oct 31

    // Act
    const fires = nextFireTimes('cron(0 * * * ? *)', after, 5, LA);

    // Assess
    expect(iso(fires)).toEqual([
      '2026-11-01T07:00:00.000Z', // 00:00 PDT
      '2026-11-01T08:00:00.000Z', // 01:00 PDT (01:00 PST does not fire)
      '2026-11-01T10:00:00.000Z', // 02:00 PST
      '2026-11-01T11:00:00.000Z',
      '2026-11-01T12:00:00.000Z',
    ]);
  });

  it('continues at 02:00 PST when asked from inside the repeated hour', () => {
    // Prepare
    const during = new Date('2026-11-01T08:50:00Z'); // 01:50 PDT

    // Act
    const fires = nextFireTimes('cron(0/15 * * * ? *)', during, 3, LA);
    const previous = previousFireTime('cron(30 1 * * ? *)', new Date('2026-11-01T10:00:00Z'), LA);

    // Assess
    expect(iso(fires)).toEqual(['2026-11-01T10:00:00.000Z', '2026-11-01T10:15:00.000Z', '2026-11-01T10:30:00.000Z']);
    expect(previous?.toISOString()).toBe('2026-11-01T08:30:00.000Z');
  });
});

/**
 * The rules stated the slow, obvious way: walk every UTC minute, read the wall clock, fire the
 * first time each matching wall time is seen. Nonexistent wall times are never seen.
 */
function referenceFires(expression: string, timezone: string, fromMs: number, toMs: number): string[] {
  const cron = parseScheduleExpression(expression);
  if (cron.kind !== 'cron') throw new Error('reference handles cron only');
  const seen = new Set<string>();
  const fires: string[] = [];
  // Start early so that wall times first seen before `from` are known as already fired.
  for (let t = fromMs - 3 * 3_600_000; t <= toMs; t += 60_000) {
    const wall = DateTime.fromMillis(t, { zone: timezone });
    const key = wall.toFormat('yyyy-MM-dd HH:mm');
    if (seen.has(key)) continue;
    seen.add(key);
    if (t > fromMs && cronMatches(cron, wall.year, wall.month, wall.day, wall.hour, wall.minute)) fires.push(new Date(t).toISOString());
  }
  return fires;
}

describe('cron fire times against a minute-by-minute reference', () => {
  it.each([
    ['America/Los_Angeles', '2026-03-08'],
    ['America/Los_Angeles', '2026-11-01'],
    ['America/Los_Angeles', '2027-03-14'],
    ['America/Los_Angeles', '2027-11-07'],
    ['Europe/London', '2026-03-29'],
    ['Europe/London', '2026-10-25'],
    ['Europe/London', '2027-03-28'],
    ['Europe/London', '2027-10-31'],
    // Transitions at local midnight, where the day itself starts late or repeats its last hour.
    ['America/Santiago', '2026-04-04'],
    ['America/Santiago', '2026-09-06'],
  ])('agrees in %s around %s', (timezone, day) => {
    // Prepare
    const fromMs = Date.parse(`${day}T00:00:00Z`) - 86_400_000 + 7 * 60_000;
    const toMs = fromMs + 2 * 86_400_000;
    const expressions = ['cron(0 * * * ? *)', 'cron(*/7 * * * ? *)', 'cron(30 0-3,23 * * ? *)'];
    const expected = expressions.map((e) => referenceFires(e, timezone, fromMs, toMs));

    // Act
    const actual = expressions.map((e) => iso(fireTimesBetween(e, new Date(fromMs), new Date(toMs), { timezone }, 10_000)));

    // Assess
    expect(actual).toEqual(expected);
  });
});

describe('at() around DST', () => {
  it('fires a repeated wall time once at its first occurrence and never fires a nonexistent one', () => {
    // Prepare
    const after = new Date('2026-01-01T00:00:00Z');

    // Act
    const repeated = nextFireTimes('at(2026-11-01T01:30:00)', after, 2, LA);
    const missing = nextFireTimes('at(2026-03-08T02:30:00)', after, 2, LA);

    // Assess
    expect(iso(repeated)).toEqual(['2026-11-01T08:30:00.000Z']);
    expect(missing).toEqual([]);
  });
});

describe('scheduleWarnings', () => {
  it('warns that cron(0 2 * * ? *) does not fire on the LA spring-forward day', () => {
    // Prepare
    const options = { ...LA, from: new Date('2026-06-01T00:00:00Z'), years: 1 };

    // Act
    const warnings = scheduleWarnings('cron(0 2 * * ? *)', options);

    // Assess
    expect(warnings).toEqual([
      {
        code: 'dst_gap',
        dates: ['2027-03-14'],
        message: 'cron(0 2 * * ? *) in America/Los_Angeles does not fire on 2027-03-14: 02:00 does not exist that day (clocks spring forward)',
      },
    ]);
  });

  it('merges the same gap in successive years into one warning over the default two years', () => {
    // Prepare
    const options = { ...LA, from: new Date('2026-01-01T00:00:00Z') };

    // Act
    const warnings = scheduleWarnings('cron(0 2 * * ? *)', options);

    // Assess
    expect(warnings).toEqual([
      {
        code: 'dst_gap',
        dates: ['2026-03-08', '2027-03-14'],
        message:
          'cron(0 2 * * ? *) in America/Los_Angeles does not fire on 2026-03-08 and 2027-03-14: 02:00 does not exist on those days (clocks spring forward)',
      },
    ]);
  });

  it.each(['cron(0 3 * * ? *)', 'cron(30 2 ? * MON-FRI *)', 'rate(1 hour)'])('has nothing to say about %s in America/Los_Angeles', (expression) => {
    // Prepare
    const options = { ...LA, from: new Date('2026-01-01T00:00:00Z') };

    // Act
    const warnings = scheduleWarnings(expression, options);

    // Assess
    expect(warnings).toEqual([]);
  });

  it('reports the London gap (01:00–02:00 on the last Sunday of March) and the repeated 01:30 in October', () => {
    // Prepare
    const options = { ...LONDON, from: new Date('2026-01-01T00:00:00Z'), years: 1 };

    // Act
    const warnings = scheduleWarnings('cron(30 1 * * ? *)', options);

    // Assess
    expect(warnings).toEqual([
      {
        code: 'dst_gap',
        dates: ['2026-03-29'],
        message: 'cron(30 1 * * ? *) in Europe/London does not fire on 2026-03-29: 01:30 does not exist that day (clocks spring forward)',
      },
      {
        code: 'dst_overlap',
        dates: ['2026-10-25'],
        message:
          'cron(30 1 * * ? *) in Europe/London fires only once on 2026-10-25: 01:30 happens twice that day (clocks fall back) and only the first occurrence (+01:00) fires',
      },
    ]);
  });

  it('reports the repeated 01:30 in LA as informational dst_overlap', () => {
    // Prepare
    const options = { ...LA, from: new Date('2026-06-01T00:00:00Z'), years: 1 };

    // Act
    const warnings = scheduleWarnings('cron(30 1 * * ? *)', options);

    // Assess
    expect(warnings).toEqual([
      {
        code: 'dst_overlap',
        dates: ['2026-11-01'],
        message:
          'cron(30 1 * * ? *) in America/Los_Angeles fires only once on 2026-11-01: 01:30 happens twice that day (clocks fall back) and only the first occurrence (-07:00) fires',
      },
    ]);
  });

  it('counts the skipped slots of a frequent cron instead of claiming the day is lost', () => {
    // Prepare
    const options = { ...LA, from: new Date('2026-01-01T00:00:00Z'), years: 1 };

    // Act
    const warnings = scheduleWarnings('cron(0/15 * * * ? *)', options);

    // Assess
    expect(warnings).toEqual([
      {
        code: 'dst_gap',
        dates: ['2026-03-08'],
        message:
          'cron(0/15 * * * ? *) in America/Los_Angeles skips 4 slots on 2026-03-08: 02:00, 02:15, 02:30 and 02:45 do not exist that day (clocks spring forward)',
      },
      {
        code: 'dst_overlap',
        dates: ['2026-11-01'],
        message:
          'cron(0/15 * * * ? *) in America/Los_Angeles fires 4 slots only once each on 2026-11-01: 01:00, 01:15, 01:30 and 01:45 happen twice that day (clocks fall back) and only the first occurrence of each (-07:00) fires',
      },
    ]);
  });

  it('warns that an at() inside the spring-forward gap never fires', () => {
    // Prepare
    const options = { ...LA, from: new Date('2026-01-01T00:00:00Z') };

    // Act
    const warnings = scheduleWarnings('at(2026-03-08T02:30:00)', options);

    // Assess
    expect(warnings).toEqual([
      {
        code: 'dst_gap',
        dates: ['2026-03-08'],
        message: 'at(2026-03-08T02:30:00) in America/Los_Angeles never fires: 2026-03-08 02:30:00 does not exist (clocks spring forward)',
      },
    ]);
  });
});

describe('intendedSlotsBetween', () => {
  it('keeps the slot EventBridge skips in a spring-forward gap, at the pre-gap reading of its wall time', () => {
    // Prepare
    const options = { timezone: 'America/Los_Angeles' };

    // Act
    const slots = intendedSlotsBetween('cron(30 2 * * ? *)', new Date('2027-03-13T00:00:00Z'), new Date('2027-03-16T00:00:00Z'), options, 10);
    const fires = fireTimesBetween('cron(30 2 * * ? *)', new Date('2027-03-13T00:00:00Z'), new Date('2027-03-16T00:00:00Z'), options, 10);

    // Assess
    expect(slots.map((d) => d.toISOString())).toEqual(['2027-03-13T10:30:00.000Z', '2027-03-14T10:30:00.000Z', '2027-03-15T09:30:00.000Z']);
    expect(fires.map((d) => d.toISOString())).toEqual(['2027-03-13T10:30:00.000Z', '2027-03-15T09:30:00.000Z']);
  });

  it('is the fire times for rate() schedules', () => {
    // Act
    const slots = intendedSlotsBetween('rate(1 hour)', new Date('2027-03-14T08:00:00Z'), new Date('2027-03-14T11:00:00Z'), { timezone: 'America/Los_Angeles' }, 10);

    // Assess
    expect(slots.map((d) => d.toISOString())).toEqual(['2027-03-14T09:00:00.000Z', '2027-03-14T10:00:00.000Z', '2027-03-14T11:00:00.000Z']);
  });
});
