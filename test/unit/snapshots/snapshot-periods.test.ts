import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../../functions/core/config';
import { periodForSlot } from '../../../functions/core/jobs/schedule-period';
import { boundsOf } from '../../../functions/core/snapshots/document';
import { localDaysOf, parsePeriodKey } from '../../../functions/core/time/periods';

const config = (weekStartsOn: 'monday' | 'sunday') => parseConfig({ timezone: 'America/Los_Angeles', weekStartsOn });

/** The bounds a scheduled snapshot covers: the previous period of the slot, as the job computes them. */
function scheduledBounds(weekStartsOn: 'monday' | 'sunday', rule: 'previous-day' | 'previous-week' | 'previous-month', slot: string) {
  const parsed = config(weekStartsOn);
  const key = periodForSlot(parsed, rule, slot, 'test')!;
  const period = parsePeriodKey(key, { timezone: parsed.timezone, weekStartsOn });
  const days = localDaysOf(period);
  return { key, days: days.length, ...boundsOf(period, days[days.length - 1]!) };
}

describe('snapshot periods from slot times (America/Los_Angeles)', () => {
  it.each([
    // rule, week start, slot (UTC), key, first day, last day, hours, days
    ['previous-day', 'monday', '2026-03-09T10:00:00Z', '2026-03-08', '2026-03-08', '2026-03-08', 23, 1],
    ['previous-day', 'monday', '2026-11-02T11:00:00Z', '2026-11-01', '2026-11-01', '2026-11-01', 25, 1],
    // A late retry of the 03:00 slot, hours later, still covers the same day.
    ['previous-day', 'monday', '2026-11-23T11:00:00Z', '2026-11-22', '2026-11-22', '2026-11-22', 24, 1],
    ['previous-week', 'monday', '2026-11-23T11:30:00Z', '2026-W47', '2026-11-16', '2026-11-22', 168, 7],
    ['previous-week', 'monday', '2026-11-02T11:30:00Z', '2026-W44', '2026-10-26', '2026-11-01', 169, 7],
    ['previous-week', 'sunday', '2026-11-30T11:30:00Z', '2026-W48', '2026-11-22', '2026-11-28', 168, 7],
    ['previous-week', 'sunday', '2026-11-09T11:30:00Z', '2026-W45', '2026-11-01', '2026-11-07', 169, 7],
    ['previous-week', 'sunday', '2027-03-22T10:30:00Z', '2027-W11', '2027-03-14', '2027-03-20', 167, 7],
    ['previous-month', 'monday', '2026-12-01T12:00:00Z', '2026-11', '2026-11-01', '2026-11-30', 721, 30],
    ['previous-month', 'monday', '2027-04-01T11:00:00Z', '2027-03', '2027-03-01', '2027-03-31', 743, 31],
    ['previous-month', 'monday', '2027-03-01T12:00:00Z', '2027-02', '2027-02-01', '2027-02-28', 672, 28],
  ] as const)('%s, weeks from %s, slot %s covers %s', (rule, weekStartsOn, slot, key, firstDay, lastDay, hours, days) => {
    // Act
    const bounds = scheduledBounds(weekStartsOn, rule, slot);

    // Assess
    expect(bounds).toMatchObject({ key, firstDay, lastDay, hours, days });
    expect(Date.parse(bounds.endUtc) - Date.parse(bounds.startUtc)).toBe(hours * 3_600_000);
  });
});
