import { gzipSync } from 'node:zlib';
import { DateTime } from 'luxon';
import type { ArtifactStore } from '../../functions/core/jobs/ports';
import { localHourStarts } from '../../functions/core/time/periods';

/** A raw event as it goes on a line; `value` and `dims` may be absent, as ingest allows. */
export interface GeneratedEvent {
  metric: string;
  ts: string;
  value?: number;
  dims?: Record<string, string>;
}

export interface GenerateOptions {
  /** Local days the events fall on. */
  days: readonly string[];
  timezone: string;
  eventsPerDay: number;
  metrics: readonly string[];
  stores: number;
  channels: readonly string[];
  /** Extra events within two minutes either side of each local midnight. */
  aroundMidnight?: number;
}

/** mulberry32: small, seeded, good enough to spread test data. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Events spread over the given local days (DST days are 23 or 25 hours long, and events land
 * in their repeated hour too), plus a cluster around each local midnight. Values are multiples
 * of 0.25 so every sum is exact whatever the order of addition. Times are written either in UTC
 * or in the zone's own offset, with or without milliseconds.
 */
export function generateEvents(seed: number, options: GenerateOptions): GeneratedEvent[] {
  const random = seededRandom(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const events: GeneratedEvent[] = [];
  const eventAt = (ms: number): GeneratedEvent => {
    const roll = random();
    const event: GeneratedEvent = { metric: pick(options.metrics), ts: formatTs(ms, options.timezone, random) };
    if (roll > 0.1) event.value = Math.round((random() * 1100 - 100) * 4) / 4;
    if (roll > 0.05) {
      const dims: Record<string, string> = { store: `s${String(Math.floor(random() * options.stores)).padStart(3, '0')}` };
      if (random() > 0.2) dims['channel'] = pick(options.channels);
      if (random() > 0.8) dims['device'] = pick(['ios', 'android', 'desktop']);
      event.dims = dims;
    }
    return event;
  };
  for (const day of options.days) {
    const start = DateTime.fromISO(day, { zone: options.timezone }).startOf('day');
    const startMs = start.toMillis();
    const endMs = start.plus({ days: 1 }).startOf('day').toMillis();
    for (let i = 0; i < options.eventsPerDay; i += 1) events.push(eventAt(startMs + Math.floor(random() * (endMs - startMs))));
    for (let i = 0; i < (options.aroundMidnight ?? 0); i += 1) {
      // Exactly midnight belongs to the day it starts.
      const offset = i === 0 ? 0 : Math.floor((random() * 2 - 1) * 120_000);
      events.push(eventAt(startMs + offset));
    }
  }
  return events;
}

function formatTs(ms: number, timezone: string, random: () => number): string {
  const roll = random();
  const withMillis = ms % 1000 !== 0 || roll < 0.3;
  if (roll < 0.5) {
    const iso = new Date(ms).toISOString();
    return withMillis ? iso : `${iso.slice(0, 19)}Z`;
  }
  const local = DateTime.fromMillis(ms, { zone: timezone });
  return local.toISO({ suppressMilliseconds: !withMillis, includeOffset: true }) ?? '';
}

/** `metric|day|{"channel":"web","store":"s001"}`: one daily stats row, dims as sorted JSON. */
export const statsRowKey = (metric: string, day: string, dims: Readonly<Record<string, string>>): string =>
  `${metric}|${day}|${JSON.stringify(Object.fromEntries(Object.entries(dims).sort(([a], [b]) => (a < b ? -1 : 1))))}`;

export interface ExpectedTotals {
  count: number;
  sum: number;
  min: number;
  max: number;
}

/**
 * The daily stats the rollup must produce, computed the plain way: each event's local day from
 * luxon, kept dims only, no caches, no partials.
 */
export function expectedDailyStats(events: readonly GeneratedEvent[], timezone: string, keptDims: readonly string[]): Map<string, ExpectedTotals> {
  const expected = new Map<string, ExpectedTotals>();
  for (const event of events) {
    const day = DateTime.fromMillis(Date.parse(event.ts), { zone: timezone }).toISODate() ?? '';
    const dims: Record<string, string> = {};
    for (const name of keptDims) {
      const value = event.dims?.[name];
      if (value !== undefined) dims[name] = value;
    }
    const key = statsRowKey(event.metric, day, dims);
    const value = event.value ?? 1;
    const row = expected.get(key);
    if (!row) expected.set(key, { count: 1, sum: value, min: value, max: value });
    else {
      row.count += 1;
      row.sum += value;
      row.min = Math.min(row.min, value);
      row.max = Math.max(row.max, value);
    }
  }
  return expected;
}

/** A `/stats` item as the API answers it. */
export interface StatsRow extends ExpectedTotals {
  day: string;
  dims: Record<string, string>;
  complete: boolean;
}

/**
 * The independent answer for `/stats`: expected rows (`expectedDailyStats`) of one metric folded to
 * one dimension (or none), over `days` (default: every day), sorted as the API sorts, every day
 * complete (nothing left to roll up).
 */
export function expectedStatsItems(expected: ReadonlyMap<string, ExpectedTotals>, metric: string, options: { days?: readonly string[]; groupBy?: string } = {}): StatsRow[] {
  const { days, groupBy } = options;
  const rows = new Map<string, StatsRow>();
  for (const [key, totals] of expected) {
    const [rowMetric, rowDay = '', dimsJson = '{}'] = key.split('|');
    if (rowMetric !== metric || (days !== undefined && !days.includes(rowDay))) continue;
    const value = groupBy === undefined ? undefined : (JSON.parse(dimsJson) as Record<string, string>)[groupBy];
    const id = `${rowDay}|${value ?? ''}`;
    const row = rows.get(id);
    if (!row) rows.set(id, { day: rowDay, dims: value === undefined || groupBy === undefined ? {} : { [groupBy]: value }, ...totals, complete: true });
    else {
      row.count += totals.count;
      row.sum += totals.sum;
      row.min = Math.min(row.min, totals.min);
      row.max = Math.max(row.max, totals.max);
    }
  }
  return [...rows.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, row]) => row);
}

/** How a line is written: mostly as ingest writes it, sometimes reordered or spaced (the slow path). */
export function eventLine(event: GeneratedEvent, random: () => number = Math.random): string {
  const roll = random();
  if (roll < 0.05) return JSON.stringify({ dims: event.dims, value: event.value, ts: event.ts, metric: event.metric });
  if (roll < 0.08) return JSON.stringify(event, null, 1).replace(/\n/g, ' ');
  return JSON.stringify(event);
}

let objectSequence = 0;

/**
 * Writes the events as gzip NDJSON objects under their UTC hour prefix, each hour split into
 * `objectsPerHour` objects. Returns the keys written.
 */
export async function writeEventObjects(
  artifacts: ArtifactStore,
  events: readonly GeneratedEvent[],
  options: { objectsPerHour?: number; seed?: number; prefix?: string } = {},
): Promise<string[]> {
  const random = seededRandom(options.seed ?? 7);
  const byHour = new Map<string, GeneratedEvent[]>();
  for (const event of events) {
    const hourPrefix = eventHourPrefixOf(Date.parse(event.ts));
    const list = byHour.get(hourPrefix) ?? [];
    list.push(event);
    byHour.set(hourPrefix, list);
  }
  const puts: Array<{ key: string; body: Buffer }> = [];
  for (const [prefix, hourEvents] of byHour) {
    const parts = Math.max(1, Math.min(options.objectsPerHour ?? 2, hourEvents.length));
    for (let part = 0; part < parts; part += 1) {
      const slice = hourEvents.filter((_, index) => index % parts === part);
      const text = slice.map((event) => eventLine(event, random)).join('\n') + '\n';
      objectSequence += 1;
      puts.push({ key: `${prefix}${options.prefix ?? 'obj'}-${String(objectSequence).padStart(6, '0')}.ndjson.gz`, body: gzipSync(text) });
    }
  }
  for (let start = 0; start < puts.length; start += 16) {
    await Promise.all(puts.slice(start, start + 16).map(({ key, body }) => artifacts.put(key, body, 'application/x-ndjson')));
  }
  return puts.map(({ key }) => key);
}

function eventHourPrefixOf(ms: number): string {
  const iso = new Date(ms).toISOString();
  return `events/dt=${iso.slice(0, 10)}/hour=${iso.slice(11, 13)}/`;
}

/**
 * A steady local day on store s1's web channel: each local hour 60 sessions and 3 orders worth
 * 40 each (one per 20 minutes). Enough for every proof check but the trend to pass.
 */
export function steadyWebDay(day: string, timezone: string): GeneratedEvent[] {
  return localHourStarts(day, timezone).flatMap((start) => {
    const ts = (minute: number) => new Date(start.getTime() + minute * 60_000).toISOString();
    return [
      ...Array.from({ length: 60 }, (_, minute) => ({ metric: 'sessions', ts: ts(minute), value: 1, dims: { store: 's1', channel: 'web' } })),
      ...[5, 25, 45].flatMap((minute) => [
        { metric: 'orders', ts: ts(minute), value: 1, dims: { store: 's1', channel: 'web' } },
        { metric: 'revenue', ts: ts(minute), value: 40, dims: { store: 's1', channel: 'web' } },
      ]),
    ];
  });
}
