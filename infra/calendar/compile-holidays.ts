import Holidays from 'date-holidays';
import { HOLIDAY_TABLE_YEARS, type HolidayTable, type HolidayType } from '../../functions/core/calendar/holidays';

/**
 * Build time: the configured region's holidays as a table (functions/core/calendar/holidays.ts
 * says why the functions carry a table, not the library). The stack compiles it into the
 * functions that read holidays, the local cloud and the tests hand it to their runtime, so every
 * place judges days by the same table. Compiled once per region and types per process.
 */
export function compileHolidayTable(calendar: { region?: string | undefined; holidayTypes: readonly HolidayType[] }): HolidayTable | undefined {
  const { region } = calendar;
  if (region === undefined) return undefined;
  const types = [...calendar.holidayTypes].sort();
  const key = `${region}|${types.join()}`;
  const known = compiled.get(key);
  if (known) return known;
  const [country = '', state] = region.split('-');
  const rules = state === undefined ? new Holidays(country) : new Holidays(country, state);
  const daysByName = new Map<string, string[]>();
  for (let year = HOLIDAY_TABLE_YEARS.first; year <= HOLIDAY_TABLE_YEARS.last; year++) {
    for (const holiday of rules.getHolidays(year)) {
      if (!types.includes(holiday.type)) continue;
      // `date` is the local wall clock ("2025-11-27 00:00:00"); a substitute day carries its own date.
      const day = holiday.date.slice(0, 10);
      const days = daysByName.get(holiday.name) ?? [];
      if (!days.includes(day)) days.push(day);
      daysByName.set(holiday.name, days);
    }
  }
  const table: HolidayTable = {
    region,
    types,
    firstYear: HOLIDAY_TABLE_YEARS.first,
    lastYear: HOLIDAY_TABLE_YEARS.last,
    holidays: [...daysByName].map(([name, days]) => ({ name, days })),
  };
  compiled.set(key, table);
  return table;
}

const compiled = new Map<string, HolidayTable>();

/** Every country date-holidays knows with its states' codes: what holiday-regions.ts must list. */
export function holidayRegionsOfLibrary(): Record<string, string[]> {
  const library = new Holidays();
  return Object.fromEntries(
    Object.keys(library.getCountries())
      .sort()
      .map((country) => [country, Object.keys(library.getStates(country) ?? {}).sort()]),
  );
}
