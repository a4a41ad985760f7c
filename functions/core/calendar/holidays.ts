import { holidayRegionCodes } from './holiday-regions';

/** Holiday types of date-holidays: `public` days are what most businesses close or slow down on. */
export const holidayTypes = ['public', 'bank', 'school', 'optional', 'observance'] as const;
export type HolidayType = (typeof holidayTypes)[number];

/**
 * The holidays of one region and set of types, computed from date-holidays' rules at build time
 * (infra/calendar/compile-holidays.ts) and compiled into the one function that reads holidays,
 * the sampling proof (the API lists the holidays the proofs recorded). date-holidays itself is ~1.5 MB minified (its parser brings
 * moment-timezone with every zone and an astronomy library; the rules of every country are
 * 800 KB), and the job catalog puts every job's code in every bundle: the library at run time
 * put each function at ~2.3 MB. A table of the configured region's days is ~16 KB (US, public,
 * one century) and needs no code to read.
 */
export interface HolidayTable {
  region: string;
  types: HolidayType[];
  firstYear: number;
  lastYear: number;
  /** Each holiday's name with its local days (`YYYY-MM-DD`) from firstYear to lastYear. */
  holidays: { name: string; days: string[] }[];
}

/** The years every compiled table covers: proofs of days outside it fail rather than miss holidays. */
export const HOLIDAY_TABLE_YEARS = { first: 2000, last: 2099 } as const;

/** `US`, `US-CA`, `DE-BY`: a country and optionally its state, as date-holidays names them. */
const REGION_PATTERN = /^([A-Z]{2})(?:-([A-Z0-9]{1,3}))?$/;

/** Why the region is unknown to date-holidays, or undefined when it is known (its codes: holiday-regions.ts). */
export function regionProblem(region: string): string | undefined {
  const match = REGION_PATTERN.exec(region);
  if (!match) return 'a region is a country code, optionally with a state: US, US-CA, DE-BY';
  const [, country = '', state] = match;
  const entry = holidayRegionCodes.split(' ').find((code) => code.split(':')[0] === country);
  if (entry === undefined) return `date-holidays knows no country "${country}"`;
  if (state === undefined || entry.slice(country.length + 1).split(',').includes(state)) return undefined;
  return `date-holidays knows no state "${state}" of ${country}`;
}

/** A region's holidays by local day. */
export interface HolidayCalendar {
  readonly region: string;
  /** Names of the holidays on `day` (empty on an ordinary day). */
  on(day: string): string[];
}

/**
 * The calendar of the configured region over its compiled table. The table must be the one of the
 * config's region and types (a stale build would otherwise judge days by another region's
 * holidays); without a region there is no calendar, and without the table a calendar that fails
 * on first use, naming what is missing.
 */
export function holidayCalendarOf(
  calendar: { region?: string | undefined; holidayTypes: readonly HolidayType[] },
  table: HolidayTable | undefined,
): HolidayCalendar | undefined {
  const { region } = calendar;
  if (region === undefined) return undefined;
  if (!table) return unavailable(region, 'not in this bundle');
  const types = (list: readonly string[]) => [...list].sort().join(', ');
  if (table.region !== region || types(table.types) !== types(calendar.holidayTypes)) {
    return unavailable(region, `the table is of ${table.region} (${types(table.types)}), not ${region} (${types(calendar.holidayTypes)})`);
  }
  const byDay = new Map<string, string[]>();
  for (const { name, days } of table.holidays) for (const day of days) byDay.set(day, [...(byDay.get(day) ?? []), name]);
  return {
    region,
    on(day) {
      const year = Number(day.slice(0, 4));
      if (year < table.firstYear || year > table.lastYear) throw new Error(`holidays of ${region}: compiled for ${table.firstYear}–${table.lastYear}, not ${day}`);
      return byDay.get(day) ?? [];
    },
  };
}

function unavailable(region: string, why: string): HolidayCalendar {
  return {
    region,
    on() {
      throw new Error(`holidays of ${region}: ${why}`);
    },
  };
}
