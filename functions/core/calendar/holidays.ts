import Holidays from 'date-holidays';

/** Holiday types of date-holidays: `public` days are what most businesses close or slow down on. */
export const holidayTypes = ['public', 'bank', 'school', 'optional', 'observance'] as const;
export type HolidayType = (typeof holidayTypes)[number];

/** `US`, `US-CA`, `DE-BY`: a country and optionally its state, as date-holidays names them. */
const REGION_PATTERN = /^([A-Z]{2})(?:-([A-Z0-9]{1,3}))?$/;

/** Why the region is unknown to date-holidays, or undefined when it is known. */
export function regionProblem(region: string): string | undefined {
  const match = REGION_PATTERN.exec(region);
  if (!match) return 'a region is a country code, optionally with a state: US, US-CA, DE-BY';
  const [, country = '', state] = match;
  const holidays = new Holidays();
  if (!Object.hasOwn(holidays.getCountries(), country)) return `date-holidays knows no country "${country}"`;
  if (state !== undefined && !Object.hasOwn(holidays.getStates(country) ?? {}, state)) return `date-holidays knows no state "${state}" of ${country}`;
  return undefined;
}

/**
 * The holidays of a region by local day (`YYYY-MM-DD` → names), from date-holidays' rules; years
 * are computed once each and remembered.
 */
export class HolidayCalendar {
  private readonly holidays: Holidays;
  private readonly byYear = new Map<number, Map<string, string[]>>();
  private readonly types: ReadonlySet<string>;

  constructor(
    readonly region: string,
    types: readonly HolidayType[],
  ) {
    const [country = '', state] = region.split('-');
    this.holidays = state === undefined ? new Holidays(country) : new Holidays(country, state);
    this.types = new Set(types);
  }

  /** Names of the holidays on `day` (empty on an ordinary day). */
  on(day: string): string[] {
    const year = Number(day.slice(0, 4));
    let days = this.byYear.get(year);
    if (!days) {
      days = new Map();
      for (const holiday of this.holidays.getHolidays(year)) {
        if (!this.types.has(holiday.type)) continue;
        // `date` is the local wall clock ("2025-11-27 00:00:00"); a substitute day carries its own date.
        const date = holiday.date.slice(0, 10);
        days.set(date, [...(days.get(date) ?? []), holiday.name]);
      }
      this.byYear.set(year, days);
    }
    return days.get(day) ?? [];
  }
}

/** Holiday rules compiled once per region and process: every proof of a backfill reuses them. */
const calendars = new Map<string, HolidayCalendar>();

/** The configured region's holidays, or undefined without a region. */
export function holidayCalendarFor(calendar: { region?: string | undefined; holidayTypes: readonly HolidayType[] }): HolidayCalendar | undefined {
  if (calendar.region === undefined) return undefined;
  const cacheKey = `${calendar.region}|${calendar.holidayTypes.join()}`;
  let holidays = calendars.get(cacheKey);
  if (!holidays) {
    holidays = new HolidayCalendar(calendar.region, calendar.holidayTypes);
    calendars.set(cacheKey, holidays);
  }
  return holidays;
}
