import { InvalidJobParamsError } from '../../core/jobs/errors';
import type { HourKey } from '../../core/rollup/ports';
import { parsePeriodKey } from '../../core/time/periods';
import { isDayParam, MAX_RANGE_DAYS, type RollupParams } from './params';

const HOUR_MS = 3_600_000;
/**
 * Hours ahead of the clock that are listed too: events dated a little ahead (clock skew across an
 * hour's edge) count at once; ones further ahead count once their hour comes within reach.
 */
const HOURS_AHEAD = 1;
/** Room for a fall-back day's extra hour and for an inclusive `to` time on an hour's edge. */
const MAX_RANGE_HOURS = MAX_RANGE_DAYS * 24 + 2;

export const hourKeyOf = (ms: number): HourKey => new Date(ms).toISOString().slice(0, 13);
export const hourStartMs = (hour: HourKey): number => Date.parse(`${hour}:00:00.000Z`);
/** The object prefix of a UTC hour partition (the layout ingest writes, `eventHourPrefix`). */
export const hourPrefix = (hour: HourKey): string => `events/dt=${hour.slice(0, 10)}/hour=${hour.slice(11, 13)}/`;

export interface ScanPlan {
  hours: HourKey[];
  /** The explicit range as resolved, when one was asked for. */
  range?: { from: string; to: string; hours: number };
}

/**
 * Every UTC hour the run lists: the hours ingest has written into since they were last listed
 * (whatever their age: every accepted event is counted), hours a stopped run left pending (so its
 * work is finished), the lookback (`lookbackHours` back from now, for objects other pipelines
 * drop) and the next hour, and the explicit range. Each hour partition is thus listed by every
 * run from an hour before it starts until the lookback has passed it, and after that by the
 * first run after each ingest into it.
 */
export function planHours(input: {
  now: Date;
  lookbackHours: number;
  /** False: the lookback's hours are not listed (a debounced run), only marked and pending ones and the range. */
  listLookback?: boolean;
  timezone: string;
  params: RollupParams;
  pending: Iterable<HourKey>;
  written: Iterable<HourKey>;
}): ScanPlan {
  const nowMs = input.now.getTime();
  const hours = new Set<HourKey>([...input.pending, ...input.written]);
  if (input.listLookback !== false) addHours(hours, nowMs - input.lookbackHours * HOUR_MS, nowMs + HOURS_AHEAD * HOUR_MS);
  const range = resolveRange(input.params, nowMs, input.lookbackHours, input.timezone);
  if (range) {
    if (countHours(range) > MAX_RANGE_HOURS) throw new InvalidJobParamsError(`the range ${input.params.from ?? '(lookback)'}..${input.params.to ?? '(now)'} is longer than ${MAX_RANGE_DAYS} days`);
    addHours(hours, range.fromMs, range.toMs - 1);
  }
  return {
    hours: [...hours].sort(),
    ...(range ? { range: { from: new Date(range.fromMs).toISOString(), to: new Date(range.toMs).toISOString(), hours: countHours(range) } } : {}),
  };
}

function countHours(range: { fromMs: number; toMs: number }): number {
  if (range.toMs <= range.fromMs) return 0;
  return Math.floor((range.toMs - 1) / HOUR_MS) - Math.floor(range.fromMs / HOUR_MS) + 1;
}

/** [fromMs, toMs): days by their local bounds, times as given (`to` inclusive). */
function resolveRange(params: RollupParams, nowMs: number, lookbackHours: number, timezone: string): { fromMs: number; toMs: number } | undefined {
  if (params.from === undefined && params.to === undefined) return undefined;
  const zone = { timezone, weekStartsOn: 'monday' as const };
  const toMs = params.to === undefined ? nowMs + 1 : isDayParam(params.to) ? parsePeriodKey(params.to, zone).end.getTime() : Date.parse(params.to) + 1;
  const fromMs = params.from === undefined ? toMs - lookbackHours * HOUR_MS : isDayParam(params.from) ? parsePeriodKey(params.from, zone).start.getTime() : Date.parse(params.from);
  if (fromMs >= toMs) throw new InvalidJobParamsError(`from (${params.from ?? '(lookback)'}) is after to (${params.to ?? '(now)'})`);
  return { fromMs, toMs };
}

/** Every hour partition touching [fromMs, lastMs], both included. */
function addHours(into: Set<HourKey>, fromMs: number, lastMs: number): void {
  for (let hour = Math.floor(fromMs / HOUR_MS); hour <= Math.floor(lastMs / HOUR_MS); hour += 1) into.add(hourKeyOf(hour * HOUR_MS));
}
