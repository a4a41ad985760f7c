import type { NightshiftConfig } from '../../functions/core/config';
import type { MetricDayFacts } from '../../functions/core/proofs/types';
import { parsePeriodKey } from '../../functions/core/time/periods';
import { seededRandom } from '../rollup/prng';
import { holidayCalendarOf, type HolidayCalendar } from '../../functions/core/calendar/holidays';
import { compileHolidayTable } from '../../infra/calendar/compile-holidays';

/**
 * Labelled daily series of one shop (sessions, orders, revenue): trend × weekday profile ×
 * noise, dips on the region's public holidays (date-holidays, the same rules a configured
 * calendar reads), gaps in the early history, and at most one injected anomaly. The anomaly's
 * label says which days and which judged metrics it should be found on.
 */

/** The shop's region: its public holidays dip (the benchmark proves with and without knowing them). */
export const BENCH_REGION = 'US';
/** The region's public holidays as the functions get them: compiled from date-holidays (infra/calendar). */
export const benchHolidays: HolidayCalendar = holidayCalendarOf({ region: BENCH_REGION, holidayTypes: ['public'] }, compileHolidayTable({ region: BENCH_REGION, holidayTypes: ['public'] }))!;

export type AnomalyKind = 'spike' | 'drop' | 'zero' | 'level_shift' | 'orders_gt_sessions' | 'stale' | 'missing_hours';

export interface InjectedAnomaly {
  kind: AnomalyKind;
  /** `+50%`, `-20% x7d`, `1-4h`, … */
  size: string;
  days: string[];
  /** Judged metrics (check subjects) on which it counts as found. */
  metrics: string[];
}

export interface Series {
  id: number;
  /** The days proofs are made for, oldest first. */
  scoredDays: string[];
  facts: Map<string, MetricDayFacts>;
  /** Unlabelled holiday dips (part of a clean series): flags on them count as false. */
  holidayDays: Set<string>;
  anomaly?: InjectedAnomaly;
}

export interface AnomalySpec {
  kind: AnomalyKind;
  size: string;
}

/** Every injected kind and size the benchmark reports recall for. */
export const ANOMALY_SPECS: readonly AnomalySpec[] = [
  { kind: 'spike', size: '+20%' },
  { kind: 'spike', size: '+50%' },
  { kind: 'spike', size: '+100%' },
  { kind: 'drop', size: '-20%' },
  { kind: 'drop', size: '-50%' },
  { kind: 'zero', size: 'all metrics' },
  { kind: 'level_shift', size: '-20% x7d' },
  { kind: 'level_shift', size: '-30% x7d' },
  { kind: 'orders_gt_sessions', size: '+5%' },
  { kind: 'stale', size: '0.25-10h' },
  { kind: 'missing_hours', size: '1-4h' },
];

const FIRST_SCORED = '2025-03-03';
const WEEKDAY_PROFILE = [1.0, 1.03, 1.01, 0.98, 0.94, 0.78, 0.84];

export const factsKey = (metric: string, day: string): string => `${metric}|${day}`;

/** Calendar arithmetic on a date label (no zone involved: the label names a local day). */
export function addDays(day: string, days: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

/** Day end and length in the config's zone, computed once per calendar day. */
export class Calendar {
  private readonly cache = new Map<string, { end: Date; hours: number }>();
  constructor(private readonly config: NightshiftConfig) {}

  of(day: string): { end: Date; hours: number } {
    let entry = this.cache.get(day);
    if (!entry) {
      const period = parsePeriodKey(day, this.config);
      entry = { end: period.end, hours: period.hours };
      this.cache.set(day, entry);
    }
    return entry;
  }
}

export function generateSeries(id: number, seed: number, scoredDayCount: number, calendar: Calendar, anomaly?: AnomalySpec): Series {
  const random = seededRandom(seed * 7919 + id);
  const normal = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  const uniform = (low: number, high: number) => low + (high - low) * random();

  // A mid-sized shop: 5k–60k sessions a day, 2–4% conversion (100+ orders a day).
  const baseSessions = Math.exp(uniform(Math.log(5_000), Math.log(60_000)));
  const conversion = uniform(0.02, 0.04);
  const orderValue = uniform(30, 120);
  const growthPerYear = uniform(-0.2, 0.4);
  const trafficNoise = uniform(0.03, 0.06);
  const profile = WEEKDAY_PROFILE.map((factor) => factor * (1 + 0.03 * normal()));
  const historyDays = Math.floor(uniform(35, 64));
  const firstDay = addDays(FIRST_SCORED, -historyDays);
  const totalDays = historyDays + scoredDayCount;
  const holidays = new Set(Array.from({ length: totalDays }, (_, index) => index).filter((index) => benchHolidays.on(addDays(firstDay, index)).length > 0));
  const gaps = new Set(Array.from({ length: 3 }, () => Math.floor(uniform(0, historyDays - 7))));

  const facts = new Map<string, MetricDayFacts>();
  const scoredDays: string[] = [];
  for (let index = 0; index < totalDays; index++) {
    const day = addDays(firstDay, index);
    if (index >= historyDays) scoredDays.push(day);
    if (gaps.has(index)) continue;
    const weekday = (new Date(`${day}T00:00:00Z`).getUTCDay() + 6) % 7;
    const holiday = holidays.has(index) ? uniform(0.7, 0.9) : 1;
    const level = baseSessions * (1 + growthPerYear) ** (index / 365) * (profile[weekday] ?? 1) * holiday * Math.exp(trafficNoise * normal());
    const sessions = Math.max(0, Math.round(level));
    const rate = conversion * (1 + 0.05 * Math.sin((2 * Math.PI * index) / 365)) * Math.exp(0.03 * normal());
    const orders = Math.max(0, Math.round(sessions * rate + Math.sqrt(sessions * rate * (1 - rate)) * normal()));
    // Σ of `orders` order values (coefficient of variation 0.6 each), plus a little day-level drift.
    const revenue = orders * orderValue * Math.exp((0.6 / Math.sqrt(Math.max(orders, 1))) * normal() + 0.03 * normal());
    const { end, hours } = calendar.of(day);
    const meta = { updatedAt: new Date(end.getTime() + uniform(5, 180) * 60_000).toISOString(), hoursWithData: hours, hoursInDay: hours };
    facts.set(factsKey('sessions', day), { sum: sessions, count: sessions, meta });
    facts.set(factsKey('orders', day), { sum: orders, count: orders, meta });
    facts.set(factsKey('revenue', day), { sum: round2(revenue), count: orders, meta });
  }
  const series: Series = { id, scoredDays, facts, holidayDays: new Set([...holidays].map((index) => addDays(firstDay, index))) };
  if (anomaly) {
    // Where the 8-week baseline exists (recall is measured where the check can score; too little
    // history is `insufficient_history`, counted apart), early enough that a 7-day shift fits.
    const earliest = Math.max(7, 8 * 7 + 7 - historyDays);
    const start = scoredDays[Math.floor(uniform(earliest, scoredDays.length - 7))] ?? FIRST_SCORED;
    series.anomaly = inject(series, anomaly, start, uniform, calendar);
  }
  return series;
}

function inject(series: Series, spec: AnomalySpec, day: string, uniform: (low: number, high: number) => number, calendar: Calendar): InjectedAnomaly {
  const { facts } = series;
  const get = (metric: string, onDay: string): MetricDayFacts => facts.get(factsKey(metric, onDay)) ?? { sum: 0, count: 0 };
  const scale = (metrics: readonly string[], onDay: string, factor: number) => {
    for (const metric of metrics) {
      const current = get(metric, onDay);
      facts.set(factsKey(metric, onDay), { ...current, sum: Math.round(current.sum * factor * 100) / 100, count: Math.round(current.count * factor) });
    }
  };
  const percent = Number.parseFloat(spec.size) / 100;
  switch (spec.kind) {
    case 'spike': {
      // Bot traffic inflates sessions (conversion falls), or a pricing bug inflates revenue.
      if (uniform(0, 1) < 0.5) {
        scale(['sessions'], day, 1 + percent);
        return { ...spec, days: [day], metrics: ['sessions', 'conversion_rate'] };
      }
      scale(['revenue'], day, 1 + percent);
      return { ...spec, days: [day], metrics: ['revenue'] };
    }
    case 'drop':
      scale(['sessions', 'orders', 'revenue'], day, 1 + percent);
      return { ...spec, days: [day], metrics: ['sessions', 'revenue'] };
    case 'zero':
      for (const metric of ['sessions', 'orders', 'revenue']) facts.delete(factsKey(metric, day));
      return { ...spec, days: [day], metrics: ['sessions', 'revenue', 'conversion_rate'] };
    case 'level_shift': {
      const days = Array.from({ length: 7 }, (_, offset) => addDays(day, offset));
      for (const shifted of days) scale(['sessions', 'orders', 'revenue'], shifted, 1 + percent);
      return { ...spec, days, metrics: ['sessions', 'revenue'] };
    }
    case 'orders_gt_sessions': {
      const sessions = get('sessions', day);
      const orders = get('orders', day);
      facts.set(factsKey('orders', day), { ...orders, sum: Math.ceil(sessions.sum * 1.05), count: Math.ceil(sessions.sum * 1.05) });
      return { ...spec, days: [day], metrics: ['conversion_rate'] };
    }
    case 'stale': {
      // The rollup stopped `hoursEarly` before the day closed: late hours never made it in.
      const hoursEarly = uniform(0.25, 10);
      const { end, hours } = calendar.of(day);
      const lost = Math.floor(hoursEarly);
      scale(['sessions', 'orders', 'revenue'], day, 1 - (0.6 * lost) / hours);
      setMeta(facts, day, { updatedAt: new Date(end.getTime() - hoursEarly * 3_600_000).toISOString(), hoursWithData: hours - lost, hoursInDay: hours });
      return { ...spec, days: [day], metrics: ['sessions', 'revenue'] };
    }
    case 'missing_hours': {
      const { hours } = calendar.of(day);
      const missing = Math.floor(uniform(1, 5));
      scale(['sessions', 'orders', 'revenue'], day, 1 - (0.6 * missing) / hours);
      const meta = get('sessions', day).meta;
      if (meta) setMeta(facts, day, { ...meta, hoursWithData: hours - missing });
      return { ...spec, days: [day], metrics: ['sessions'] };
    }
  }
}

function setMeta(facts: Map<string, MetricDayFacts>, day: string, meta: NonNullable<MetricDayFacts['meta']>): void {
  for (const metric of ['sessions', 'orders', 'revenue']) {
    const current = facts.get(factsKey(metric, day));
    if (current) facts.set(factsKey(metric, day), { ...current, meta });
  }
}

function round2(value: number): number {
  return Math.round(value * 100) / 100;
}
