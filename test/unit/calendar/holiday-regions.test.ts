import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import Holidays from 'date-holidays';
import { compileHolidayTable } from '../../../infra/calendar/compile-holidays';
import { holidayRegionsSource } from '../../../infra/calendar/write-holiday-regions';
import { HOLIDAY_TABLE_YEARS, holidayCalendarOf } from '../../../functions/core/calendar/holidays';

describe('the holiday regions and tables', () => {
  it('lists exactly the countries and states of the installed date-holidays (run `npm run calendar:regions` after an upgrade)', () => {
    // Act
    const checkedIn = readFileSync(new URL('../../../functions/core/calendar/holiday-regions.ts', import.meta.url), 'utf8');
    // Assess
    expect(checkedIn).toBe(holidayRegionsSource());
  });

  it('compiles the days date-holidays gives, every year of the table, for the region and types asked', () => {
    // Prepare
    const calendar = holidayCalendarOf({ region: 'DE-BY', holidayTypes: ['public'] }, compileHolidayTable({ region: 'DE-BY', holidayTypes: ['public'] }));
    const library = new Holidays('DE', 'BY');
    // Act / Assess: every day of the century, both ways.
    for (let year = HOLIDAY_TABLE_YEARS.first; year <= HOLIDAY_TABLE_YEARS.last; year += 7) {
      const expected = library.getHolidays(year).filter((holiday) => holiday.type === 'public');
      for (const holiday of expected) expect(calendar?.on(holiday.date.slice(0, 10))).toContain(holiday.name);
    }
    expect(calendar?.on('2026-10-03')).toEqual(['Tag der Deutschen Einheit']);
    expect(calendar?.on('2026-10-05')).toEqual([]);
  });

  it('refuses a table of another region or types, a missing table, and a day outside its years, naming why', () => {
    // Prepare
    const us = compileHolidayTable({ region: 'US', holidayTypes: ['public'] });
    // Act / Assess
    expect(holidayCalendarOf({ holidayTypes: ['public'] }, us)).toBeUndefined();
    expect(() => holidayCalendarOf({ region: 'US-CA', holidayTypes: ['public'] }, us)?.on('2026-11-26')).toThrow(/the table is of US \(public\), not US-CA/);
    expect(() => holidayCalendarOf({ region: 'US', holidayTypes: ['public', 'bank'] }, us)?.on('2026-11-26')).toThrow(/not US \(bank, public\)/);
    expect(() => holidayCalendarOf({ region: 'US', holidayTypes: ['public'] }, undefined)?.on('2026-11-26')).toThrow(/holidays of US: not in this bundle/);
    expect(() => holidayCalendarOf({ region: 'US', holidayTypes: ['public'] }, us)?.on('2100-01-01')).toThrow(/compiled for 2000–2099, not 2100-01-01/);
    expect(holidayCalendarOf({ region: 'US', holidayTypes: ['public'] }, us)?.on('2026-11-26')).toEqual(['Thanksgiving Day']);
  });
});
