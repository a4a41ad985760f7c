import { describe, it, expect } from 'vitest';
import { InvalidScheduleExpressionError } from '../../../functions/core/time/errors';
import { parseScheduleExpression } from '../../../functions/core/time/schedule';

function rejection(text: string): InvalidScheduleExpressionError {
  try {
    parseScheduleExpression(text);
  } catch (error) {
    if (error instanceof InvalidScheduleExpressionError) return error;
    throw error;
  }
  throw new Error(`expected ${text} to be rejected`);
}

describe('parseScheduleExpression (cron)', () => {
  it('parses every field of a plain daily cron', () => {
    // Prepare
    const text = 'cron(0 3 * * ? *)';

    // Act
    const parsed = parseScheduleExpression(text);

    // Assess
    expect(parsed.kind).toBe('cron');
    if (parsed.kind !== 'cron') return;
    expect(parsed.text).toBe(text);
    expect(parsed.fields).toEqual({ minutes: '0', hours: '3', dayOfMonth: '*', month: '*', dayOfWeek: '?', year: '*' });
    expect(parsed.minutes).toEqual([0]);
    expect(parsed.hours).toEqual([3]);
    expect(parsed.dayOfMonth).toEqual({ type: 'days', days: Array.from({ length: 31 }, (_, i) => i + 1) });
    expect(parsed.months).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    expect(parsed.dayOfWeek).toEqual({ type: 'unspecified' });
    expect(parsed.years).toHaveLength(230);
    expect([parsed.years[0], parsed.years[229]]).toEqual([1970, 2199]);
  });

  it('expands steps, ranges with steps, names and lists', () => {
    // Prepare
    const text = 'cron(5/15 0-6/2 1-31/10 JAN/3 ? 2026-2030/2)';

    // Act
    const parsed = parseScheduleExpression(text);

    // Assess
    expect(parsed).toMatchObject({
      kind: 'cron',
      minutes: [5, 20, 35, 50],
      hours: [0, 2, 4, 6],
      dayOfMonth: { type: 'days', days: [1, 11, 21, 31] },
      months: [1, 4, 7, 10],
      years: [2026, 2028, 2030],
    });
  });

  it('reads day names case-insensitively, in ranges and lists (1 = SUN)', () => {
    // Prepare
    const text = 'cron(0 9 ? JUL,dec mon-wed,FRI,7 *)';

    // Act
    const parsed = parseScheduleExpression(text);

    // Assess
    expect(parsed).toMatchObject({ months: [7, 12], dayOfWeek: { type: 'days', days: [2, 3, 4, 6, 7] } });
  });

  it.each([
    ['cron(0 0 L * ? *)', { dayOfMonth: { type: 'last' } }],
    ['cron(0 0 LW * ? *)', { dayOfMonth: { type: 'lastWeekday' } }],
    ['cron(0 0 15W * ? *)', { dayOfMonth: { type: 'nearestWeekday', day: 15 } }],
    ['cron(0 0 ? * 6L *)', { dayOfWeek: { type: 'last', weekday: 6 } }],
    ['cron(0 0 ? * FRIL *)', { dayOfWeek: { type: 'last', weekday: 6 } }],
    ['cron(0 0 ? * L *)', { dayOfWeek: { type: 'days', days: [7] } }],
    ['cron(0 0 ? * 2#1 *)', { dayOfWeek: { type: 'nth', weekday: 2, nth: 1 } }],
    ['cron(0 0 ? * MON#3 *)', { dayOfWeek: { type: 'nth', weekday: 2, nth: 3 } }],
  ])('parses the special day form %s', (text, expected) => {
    // Prepare
    const input = `  ${text} `;

    // Act
    const parsed = parseScheduleExpression(input);

    // Assess
    expect(parsed).toMatchObject({ kind: 'cron', text, ...expected });
  });

  it.each([
    ['cron(0 25 * * ? *)', 'cron(0 25 * * ? *): hour field "25" is out of range 0-23'],
    ['cron(0 1,25 * * ? *)', 'cron(0 1,25 * * ? *): hour field "1,25": "25" is out of range 0-23'],
    ['cron(60 0 * * ? *)', 'cron(60 0 * * ? *): minute field "60" is out of range 0-59'],
    ['cron(0 0 32 * ? *)', 'cron(0 0 32 * ? *): day-of-month field "32" is out of range 1-31'],
    ['cron(0 0 * 13 ? *)', 'cron(0 0 * 13 ? *): month field "13" is out of range 1-12 or JAN-DEC'],
    ['cron(0 0 ? * 0 *)', 'cron(0 0 ? * 0 *): day-of-week field "0" is out of range 1-7 or SUN-SAT (1 = SUN)'],
    ['cron(0 0 * * ? 1969)', 'cron(0 0 * * ? 1969): year field "1969" is out of range 1970-2199'],
    ['cron(0 0 * * ? 2200)', 'cron(0 0 * * ? 2200): year field "2200" is out of range 1970-2199'],
    ['cron(0 0 * * ?)', 'cron(0 0 * * ?): expected 6 fields (minutes hours day-of-month month day-of-week year) but found 5'],
    ['cron(0 0 * * ? * *)', 'cron(0 0 * * ? * *): expected 6 fields (minutes hours day-of-month month day-of-week year) but found 7'],
    ['cron(0 0 1 * MON *)', 'cron(0 0 1 * MON *): day-of-month "1" and day-of-week "MON" are both specified; EventBridge requires "?" in one of them (e.g. cron(0 8 * * ? *) or cron(0 8 ? * MON *))'],
    ['cron(0 0 * * * *)', 'cron(0 0 * * * *): day-of-month "*" and day-of-week "*" are both specified; EventBridge requires "?" in one of them (e.g. cron(0 8 * * ? *) or cron(0 8 ? * MON *))'],
    ['cron(0 0 ? * ? *)', 'cron(0 0 ? * ? *): day-of-month and day-of-week are both "?"; exactly one of them must be "?" and the other must say which days'],
    ['cron(? 0 * * ? *)', 'cron(? 0 * * ? *): minute field "?" uses "?", which is only allowed in the day-of-month or day-of-week field'],
    ['cron(0 0 1,? * ? *)', 'cron(0 0 1,? * ? *): day-of-month field "1,?" uses "?" inside a list or range; "?" must be the whole field'],
    ['cron(0/0 0 * * ? *)', 'cron(0/0 0 * * ? *): minute field "0/0" has step "0"; a step must be a whole number from 1 to 59'],
    ['cron(0/60 0 * * ? *)', 'cron(0/60 0 * * ? *): minute field "0/60" has step "60"; a step must be a whole number from 1 to 59'],
    ['cron(0 */x * * ? *)', 'cron(0 */x * * ? *): hour field "*/x" has step "x"; a step must be a whole number from 1 to 23'],
    ['cron(0 22-2 * * ? *)', 'cron(0 22-2 * * ? *): hour field "22-2" is a backwards range; EventBridge ranges do not wrap around, write 22-23,0-2 instead'],
    ['cron(*-5 0 * * ? *)', 'cron(*-5 0 * * ? *): minute field "*-5" combines * with a range; use either * or a-b'],
    ['cron(0 0 1,,2 * ? *)', 'cron(0 0 1,,2 * ? *): day-of-month field "1,,2" has an empty list item (two commas or a trailing comma)'],
    ['cron(x 0 * * ? *)', 'cron(x 0 * * ? *): minute field "x" is not a number in range 0-59'],
    ['cron(0 0 ? * FUN *)', 'cron(0 0 ? * FUN *): day-of-week field "FUN" is not a day name; use 1-7 or SUN-SAT (1 = SUN)'],
    ['cron(0 0 * FOO ? *)', 'cron(0 0 * FOO ? *): month field "FOO" is not a month name; use 1-12 or JAN-DEC'],
    ['cron(0 0 ? MON * *)', 'cron(0 0 ? MON * *): month field "MON" is not a month name; use 1-12 or JAN-DEC'],
  ])('rejects %s', (text, message) => {
    // Prepare
    const input = text;

    // Act
    const error = rejection(input);

    // Assess
    expect(error.code).toBe('invalid_schedule_expression');
    expect(error.expression).toBe(text);
    expect(error.message).toBe(message);
  });

  it.each([
    ['cron(L 0 * * ? *)', 'minute field "L" uses "L", which is only allowed in the day-of-month and day-of-week fields'],
    ['cron(0 0 * 5L ? *)', 'month field "5L" uses "L", which is only allowed in the day-of-month and day-of-week fields'],
    ['cron(0 0 ? * 2W *)', 'day-of-week field "2W" uses "W", which is only allowed in the day-of-month field (e.g. 15W)'],
    ['cron(0 15W * * ? *)', 'hour field "15W" uses "W", which is only allowed in the day-of-month field (e.g. 15W)'],
    ['cron(0 0 1#2 * ? *)', 'day-of-month field "1#2" uses "#", which is only allowed in the day-of-week field (e.g. 2#1 = first Monday)'],
    ['cron(0 0 ? * */2 *)', 'day-of-week field "*/2" uses "/", which EventBridge does not allow in the day-of-week field (allowed: , - * ? L #)'],
    ['cron(0 0 L,15 * ? *)', 'day-of-month field "L,15" must use "L" and "W" alone (L, LW or a single day like 15W), not in lists, ranges or steps'],
    ['cron(0 0 1-15W * ? *)', 'day-of-month field "1-15W" must use "L" and "W" alone (L, LW or a single day like 15W), not in lists, ranges or steps'],
    ['cron(0 0 L-2 * ? *)', 'day-of-month field "L-2" uses an offset from the last day (L-n), which EventBridge does not support; use L or LW'],
    ['cron(0 0 32W * ? *)', 'day-of-month field "32W": "32" is out of range 1-31'],
    ['cron(0 0 ? * 1,6L *)', 'day-of-week field "1,6L" must use "L" and "#" alone (L, 6L or 2#1), not in lists or ranges'],
    ['cron(0 0 ? * 8L *)', 'day-of-week field "8L": "8" is out of range 1-7 or SUN-SAT (1 = SUN)'],
    ['cron(0 0 ? * 2#6 *)', 'day-of-week field "2#6" has occurrence "6" after "#"; it must be 1-5 (e.g. 2#1 = first Monday, 6#5 = fifth Friday)'],
    ['cron(0 0 ? * 2#0 *)', 'day-of-week field "2#0" has occurrence "0" after "#"; it must be 1-5 (e.g. 2#1 = first Monday, 6#5 = fifth Friday)'],
  ])('rejects a misplaced special character in %s', (text, problem) => {
    // Prepare
    const input = text;

    // Act
    const error = rejection(input);

    // Assess
    expect(error.message).toBe(`${text}: ${problem}`);
  });
});

describe('parseScheduleExpression (rate)', () => {
  it.each([
    ['rate(1 minute)', 1, 'minutes', 60_000],
    ['rate(5 minutes)', 5, 'minutes', 300_000],
    ['rate(1 hour)', 1, 'hours', 3_600_000],
    ['rate(12 hours)', 12, 'hours', 43_200_000],
    ['rate(1 day)', 1, 'days', 86_400_000],
    ['rate(7 days)', 7, 'days', 604_800_000],
  ])('parses %s', (text, value, unit, intervalMs) => {
    // Prepare
    const input = text;

    // Act
    const parsed = parseScheduleExpression(input);

    // Assess
    expect(parsed).toEqual({ kind: 'rate', text, value, unit, intervalMs });
  });

  it.each([
    ['rate(0 minutes)', 'rate(0 minutes): value "0" must be a positive whole number'],
    ['rate(-5 minutes)', 'rate(-5 minutes): value "-5" must be a positive whole number'],
    ['rate(1.5 hours)', 'rate(1.5 hours): value "1.5" must be a positive whole number'],
    ['rate(5 minute)', 'rate(5 minute): unit "minute" must be plural when the value is 5: rate(5 minutes)'],
    ['rate(1 minutes)', 'rate(1 minutes): unit "minutes" must be singular when the value is 1: rate(1 minute)'],
    ['rate(1 days)', 'rate(1 days): unit "days" must be singular when the value is 1: rate(1 day)'],
    ['rate(2 weeks)', 'rate(2 weeks): unit "weeks" is not supported; use minute(s), hour(s) or day(s)'],
    ['rate(30 seconds)', 'rate(30 seconds): unit "seconds" is not supported; use minute(s), hour(s) or day(s)'],
    ['rate(5)', 'rate(5): expected rate(value unit), e.g. rate(5 minutes) or rate(1 day), but found 1 part(s)'],
  ])('rejects %s', (text, message) => {
    // Prepare
    const input = text;

    // Act
    const error = rejection(input);

    // Assess
    expect(error.message).toBe(message);
  });
});

describe('parseScheduleExpression (at)', () => {
  it('keeps the wall-clock time, to be read in the schedule zone', () => {
    // Prepare
    const text = 'at(2026-11-22T03:00:00)';

    // Act
    const parsed = parseScheduleExpression(text);

    // Assess
    expect(parsed).toEqual({
      kind: 'at',
      text,
      local: '2026-11-22T03:00:00',
      parts: { year: 2026, month: 11, day: 22, hour: 3, minute: 0, second: 0 },
    });
  });

  it.each([
    ['at(2026-02-30T00:00:00)', 'at(2026-02-30T00:00:00): day "30" does not exist in 2026-02 (it has 28 days)'],
    ['at(2026-13-01T00:00:00)', 'at(2026-13-01T00:00:00): month "13" is out of range 01-12'],
    ['at(2026-11-22T24:00:00)', 'at(2026-11-22T24:00:00): hour "24" is out of range 00-23'],
    ['at(2026-11-22T03:60:00)', 'at(2026-11-22T03:60:00): minute "60" is out of range 00-59'],
    [
      'at(2026-11-22 03:00:00)',
      "at(2026-11-22 03:00:00): expected at(yyyy-mm-ddThh:mm:ss), e.g. at(2026-11-22T03:00:00), with no offset or Z (the time zone is the schedule's)",
    ],
    [
      'at(2026-11-22T03:00:00Z)',
      "at(2026-11-22T03:00:00Z): expected at(yyyy-mm-ddThh:mm:ss), e.g. at(2026-11-22T03:00:00), with no offset or Z (the time zone is the schedule's)",
    ],
  ])('rejects %s', (text, message) => {
    // Prepare
    const input = text;

    // Act
    const error = rejection(input);

    // Assess
    expect(error.message).toBe(message);
  });
});

describe('parseScheduleExpression (anything else)', () => {
  it.each([
    ['yesterday', 'yesterday: not a schedule expression; expected cron(minutes hours day-of-month month day-of-week year), rate(value unit) or at(yyyy-mm-ddThh:mm:ss)'],
    ['CRON(0 0 * * ? *)', 'CRON(0 0 * * ? *): not a schedule expression; expected cron(minutes hours day-of-month month day-of-week year), rate(value unit) or at(yyyy-mm-ddThh:mm:ss)'],
    ['   ', 'schedule expression is empty; expected cron(minutes hours day-of-month month day-of-week year), rate(value unit) or at(yyyy-mm-ddThh:mm:ss)'],
    ['cron(0 0 * * ? *', 'cron(0 0 * * ? *: a cron expression must look like cron(minutes hours day-of-month month day-of-week year)'],
  ])('rejects %j', (text, message) => {
    // Prepare
    const input = text;

    // Act
    const error = rejection(input);

    // Assess
    expect(error.message).toBe(message);
  });
});
