import type { CheckConfig } from '../../functions/core/config';
import { attributeChange, type Cell } from '../../functions/core/proofs/attribution';
import { judgeHour, type HourFacts } from '../../functions/core/proofs/hourly-watch';
import { checkTrend } from '../../functions/core/proofs/trend-check';
import { seededRandom } from '../../test/helpers/rollup-events';
import { openHours, SHOP_DIMENSIONS, shopDay, shopSegments, type PlantedIncident } from './shop-cells';

/**
 * Attribution and the hourly watch on planted single-dimension incidents, with the same pure
 * functions the proof job and the rollup's watch call: one dimension value (a store, or a channel
 * in every store) collapses, drops or spikes for a window of hours on a day with eight same-weekday
 * days before it.
 */

type TrendCheck = Extract<CheckConfig, { kind: 'trend' }>;

export interface ExplainOptions {
  seed: number;
  incidents: number;
}

export interface ExplainReport {
  attribution: { planted: number; flagged: number; topOne: number; accuracy: number };
  hourly: { outages: number; alerted: number; medianMinutesToAlert: number | null; p90MinutesToAlert: number | null; cleanHours: number; falseIncidents: number };
}

const DAY_EVENTS = 20_000;
/** The rollup runs at :05; the watch judges the hour that closed at :00. */
const ROLLUP_MINUTE = 5;
const WEEKS = 8;
const DAY = '2026-11-19';

function weeksBack(week: number): string {
  return new Date(Date.parse(`${DAY}T00:00:00Z`) - week * 7 * 86_400_000).toISOString().slice(0, 10);
}

/** The day and its eight same weekdays, each with its own ±3% level; the incident on the day itself. */
function shopWeeks(random: () => number, incident?: PlantedIncident): Map<string, Cell[]> {
  const days = new Map<string, Cell[]>();
  for (let week = WEEKS; week >= 1; week -= 1) days.set(weeksBack(week), shopDay(DAY_EVENTS * (0.97 + 0.06 * random()), random));
  days.set(DAY, shopDay(DAY_EVENTS * (0.97 + 0.06 * random()), random, incident));
  return days;
}

const total = (cells: readonly Cell[]) => cells.reduce((sum, cell) => sum + cell.value, 0);

function plant(random: () => number, factor: number, minHours: number, maxHours: number): PlantedIncident {
  const segments = shopSegments();
  const segment = segments[Math.floor(random() * segments.length)] ?? segments[0]!;
  const { opens, closes } = openHours(segment.dimension, segment.value);
  const length = minHours + Math.floor(random() * (maxHours - minHours + 1));
  const latestStart = Math.max(opens, Math.min(closes, 22) - length);
  const from = Math.max(opens, 8) + Math.floor(random() * Math.max(1, latestStart - Math.max(opens, 8) + 1));
  return { ...segment, from, to: Math.min(24, from + length), factor };
}

export function measureExplain(check: TrendCheck, options: ExplainOptions): ExplainReport {
  const random = seededRandom(options.seed * 7919 + 17);
  // Attribution: collapses, drops and spikes, whatever their size; judged where the daily trend check flags the day.
  const factors = [0.05, 0.4, 2.5];
  let flagged = 0;
  let topOne = 0;
  for (let index = 0; index < options.incidents; index += 1) {
    const incident = plant(random, factors[index % factors.length] ?? 0.05, 3, 10);
    const days = shopWeeks(random, incident);
    const observed = days.get(DAY) ?? [];
    const baseline = [...days.entries()].filter(([day]) => day !== DAY);
    const verdict = checkTrend(
      check,
      { defined: true, value: total(observed), hasData: true },
      baseline.map(([day, cells]) => ({ day, value: { defined: true, value: total(cells), hasData: true }, earlierCritical: false })),
      false,
    );
    if (verdict.status !== 'warn' && verdict.status !== 'critical') continue;
    flagged += 1;
    const used = new Set(verdict.baseline?.used.map((point) => point.day));
    const attribution = attributeChange({
      observed: { numerator: observed },
      baseline: baseline.filter(([day]) => used.has(day)).map(([, cells]) => ({ numerator: cells })),
      dimensions: SHOP_DIMENSIONS,
    });
    const top = attribution?.contributors[0]?.dims;
    if (top && Object.keys(top).length === 1 && top[incident.dimension] === incident.value) topOne += 1;
  }

  // The hourly watch: outages (−95% of one store or one channel) of 2–9 hours; minutes from the
  // outage's start to the rollup that alerts. And clean days: hours that would open an incident.
  const minutes: number[] = [];
  let outages = 0;
  let cleanHours = 0;
  let falseIncidents = 0;
  for (let index = 0; index < options.incidents; index += 1) {
    const clean = index % 4 === 3;
    const incident = clean ? undefined : plant(random, 0.05, 2, 9);
    const lookup = hourLookup(shopWeeks(random, incident));
    if (!incident) {
      let open = false;
      for (let hour = 0; hour < 24; hour += 1) {
        const status = judgeHour(check, hourKey(DAY, hour), lookup, 'UTC', SHOP_DIMENSIONS).status;
        cleanHours += 1;
        const bad = status === 'warn' || status === 'critical';
        if (bad && !open) falseIncidents += 1;
        if (status !== 'skipped') open = bad;
      }
      continue;
    }
    outages += 1;
    for (let hour = incident.from; hour < incident.to; hour += 1) {
      const status = judgeHour(check, hourKey(DAY, hour), lookup, 'UTC', SHOP_DIMENSIONS).status;
      if (status === 'warn' || status === 'critical') {
        minutes.push((hour + 1 - incident.from) * 60 + ROLLUP_MINUTE);
        break;
      }
    }
  }
  minutes.sort((a, b) => a - b);
  const quantile = (q: number) => (minutes.length === 0 ? null : (minutes[Math.min(minutes.length - 1, Math.floor(q * minutes.length))] ?? null));
  return {
    attribution: { planted: options.incidents, flagged, topOne, accuracy: flagged === 0 ? 0 : topOne / flagged },
    hourly: { outages, alerted: minutes.length, medianMinutesToAlert: quantile(0.5), p90MinutesToAlert: quantile(0.9), cleanHours, falseIncidents },
  };
}

const hourKey = (day: string, hour: number) => `${day}T${String(hour).padStart(2, '0')}`;

/** The generated days as the rollup's hours (UTC as the zone: local hour = UTC hour). */
function hourLookup(days: ReadonlyMap<string, Cell[]>): (metric: string, hour: string) => HourFacts | undefined {
  const hours = new Map<string, Cell[]>();
  for (const [day, cells] of days) {
    for (const cell of cells) {
      const key = hourKey(day, cell.hour);
      hours.set(key, [...(hours.get(key) ?? []), cell]);
    }
  }
  return (_metric, hour) => {
    const cells = hours.get(hour);
    if (!cells) return undefined;
    const sum = total(cells);
    return { sum, count: sum, cells };
  };
}
