import { DateTime } from 'luxon';
import { ulid } from 'ulid';
import type { NightshiftConfig } from '../../functions/core/config';
import type { ArtifactStore } from '../../functions/core/jobs/ports';
import type { ValidEvent } from '../../functions/core/events/metric-event';
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import { EVENT_OBJECT_CONTENT_TYPE, eventLine } from '../../functions/core/events/event-objects';
import { eventHourPrefix } from '../../functions/core/events/metric-event';

/** The demo shop: five stores selling on the web, in the app and in the store itself. */
const STORES = [
  { name: 'sf-market', size: 1.4 },
  { name: 'oakland', size: 0.9 },
  { name: 'san-jose', size: 1.1 },
  { name: 'la-venice', size: 1.2 },
  { name: 'seattle', size: 0.7 },
] as const;

interface Channel {
  name: string;
  share: number;
  conversion: number;
  /** Local hours the channel sees traffic in; outside them it is quiet. */
  opens: number;
  closes: number;
  /** Weekday factors, Monday first. */
  week: readonly number[];
}

const CHANNELS: readonly Channel[] = [
  { name: 'web', share: 1.0, conversion: 0.028, opens: 0, closes: 24, week: [0.95, 0.9, 0.92, 0.97, 1.05, 1.25, 1.2] },
  { name: 'app', share: 0.7, conversion: 0.042, opens: 0, closes: 24, week: [0.9, 0.88, 0.9, 0.95, 1.1, 1.3, 1.25] },
  { name: 'store', share: 0.45, conversion: 0.22, opens: 9, closes: 21, week: [0.8, 0.85, 0.85, 0.95, 1.15, 1.45, 1.1] },
];

/** Sessions in one hour of one (store, channel) at peak, before the curves. */
const PEAK_SESSIONS_PER_HOUR = 14;
const REFUND_RATE = 0.04;
const HOUR_MS = 3_600_000;
/** Growth per day: about +1.5% a month, small enough for same-weekday baselines to stay level. */
const DAILY_GROWTH = 0.0005;

/**
 * Relative traffic by local hour: quiet nights (never empty: web and app see about ten sessions
 * even at 03:00, so the completeness check finds every hour), a lunch bump, the evening peak.
 */
const HOURLY = [0.2, 0.15, 0.12, 0.1, 0.1, 0.14, 0.25, 0.38, 0.55, 0.68, 0.78, 0.88, 0.95, 0.9, 0.82, 0.8, 0.84, 0.92, 1.0, 1.0, 0.9, 0.7, 0.45, 0.3];

export const DEMO_METRICS = ['revenue', 'orders', 'sessions', 'page_views', 'refunds'] as const;

/**
 * Today and the 56 days before it: each of the last 14 days has six or seven same-weekday days
 * before it (the newer week seven), enough for the demo config's trend checks (`minPoints` 6 of
 * `baselinePoints` 8) to run on every day the demo proves.
 */
export const DEMO_DAYS = 57;
/** The recent closed days the demo proves (yesterday and the 13 before it). */
export const DEMO_PROOF_DAYS = 14;

export type DemoIncidentKind = 'bulk_order' | 'missing_hour' | 'app_outage';

/**
 * The demo's planted incidents, in days before the first start (1 = yesterday), inside the
 * proven fortnight and on three different weekdays:
 *
 * - `bulk_order` (12 days ago): one B2B web order of $9,850 at la-venice at 11:20, an ordinary
 *   day's revenue or more on top of the day → the revenue trend check is critical (change
 *   ≥ +50%). Five days ago has it in its revenue baseline and leaves it out (an earlier
 *   critical day, and an outlier anyway).
 * - `missing_hour` (9 days ago): no event at all between 04:00 and 05:00 (a collector redeploy)
 *   → the sessions completeness check warns (23 of 24 hours). The hour held half a percent of
 *   the day's sessions: no trend check notices it, here or in two days ago's baseline.
 * - `app_outage` (4 days ago): the app sends nothing, in every store, from 11:00 to 20:00 →
 *   about a fifth of the day's sessions are gone → the sessions trend check is critical (z
 *   below −5). The app's orders go with them: revenue falls about 10%, and its trend check
 *   passes, warns or is critical depending on the weekday.
 */
export const DEMO_INCIDENTS: readonly { kind: DemoIncidentKind; daysAgo: number; description: string }[] = [
  { kind: 'bulk_order', daysAgo: 12, description: 'a $9,850 bulk order (la-venice, web, 11:20)' },
  { kind: 'missing_hour', daysAgo: 9, description: 'no events 04:00-05:00 (collector redeploy)' },
  { kind: 'app_outage', daysAgo: 4, description: 'app outage 11:00-20:00 in every store' },
];

const BULK_ORDER = { store: 'la-venice', channel: 'web', hour: 11, minute: 20, amount: 9850 };
const MISSING_HOUR = 4;
const APP_OUTAGE = { channel: 'app', from: 11, to: 20 };

export interface DemoIncident {
  kind: DemoIncidentKind;
  /** The local day it happened on. */
  day: string;
  /** When it started (the bulk order's time). */
  at: Date;
  description: string;
}

export interface DemoData {
  events: ValidEvent[];
  /** Local days covered, oldest first. */
  from: string;
  to: string;
  /** The planted incidents that fall inside the covered days. */
  incidents: DemoIncident[];
}

/** mulberry32: small, seeded, so every first start shows the same shop. */
function seededRandom(seed: number): () => number {
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
 * An hour's count around `lambda`, with under a third of a Poisson count's spread: a steady shop
 * whose days move by a percent or two, so that chance alone never looks like an incident.
 */
function steadyCount(lambda: number, random: () => number): number {
  return Math.max(0, Math.round(lambda + 0.3 * Math.sqrt(lambda) * gaussian(random)));
}

export interface DemoOptions {
  /** Days covered, today included. @default DEMO_DAYS */
  days?: number;
  seed?: number;
  /** Plant `DEMO_INCIDENTS`. @default true */
  incidents?: boolean;
}

export interface DemoShop extends Omit<DemoData, 'events'> {
  /** The events, one hour at a time, oldest first, with the hour's end (each call starts over, the same). */
  hours: () => Generator<{ endMs: number; events: ValidEvent[] }>;
}

/**
 * `days` days of the demo shop's events up to `now` (today so far included), hour by hour in
 * the configured zone: sessions with their page views, orders with revenue, a few refunds, per
 * store and channel, with daily and weekly seasonality, a slow upward trend and the planted
 * incidents of `DEMO_INCIDENTS`. Only metrics the config declares are produced. Seeded: the
 * same `now` and seed give the same events.
 */
export function demoShop(config: NightshiftConfig, now: Date, options: DemoOptions = {}): DemoShop {
  const { start, end, today, incidents } = shopPlan(config, now, options);
  return {
    from: start.toISODate() ?? '',
    to: today.toISODate() ?? '',
    incidents,
    hours: () => shopHours(config, { start, end, cutoffMs: now.getTime(), seed: options.seed ?? DEMO_SEED, incidents }),
  };
}

/**
 * The demo shop of the first start at `firstStart` going on past it, endlessly: the same generator
 * from the same first day with the same seed, so its events up to `firstStart` are exactly the
 * ones `demoShop` wrote and the ones after it continue the series (the live shop sends those).
 * `outage` adds a day whose app channel goes out 11:00-20:00, as the planted `app_outage` does.
 */
export function demoShopGoingOn(config: NightshiftConfig, firstStart: Date, options: DemoOptions & { outage?: string } = {}): Generator<{ endMs: number; events: ValidEvent[] }> {
  const { start, incidents } = shopPlan(config, firstStart, options);
  const outage: DemoIncident[] = options.outage === undefined ? [] : [{ kind: 'app_outage', day: options.outage, at: new Date(0), description: 'live app outage' }];
  return shopHours(config, { start, end: undefined, cutoffMs: Infinity, seed: options.seed ?? DEMO_SEED, incidents: [...incidents, ...outage] });
}

/** The first app outage window (11:00-20:00, local) that starts after `firstStart`: the live shop's. */
export function liveOutageWindow(firstStart: Date, timezone: string): { day: string; from: Date; to: Date } {
  const at = DateTime.fromJSDate(firstStart, { zone: timezone });
  const sameDay = at.startOf('day').set({ hour: APP_OUTAGE.from });
  const start = sameDay > at ? sameDay : at.startOf('day').plus({ days: 1 }).set({ hour: APP_OUTAGE.from });
  return { day: start.toISODate() ?? '', from: start.toJSDate(), to: start.set({ hour: APP_OUTAGE.to }).toJSDate() };
}

const DEMO_SEED = 20261122;

function shopPlan(config: NightshiftConfig, now: Date, options: DemoOptions): { start: DateTime; end: DateTime; today: DateTime; incidents: DemoIncident[] } {
  const days = options.days ?? DEMO_DAYS;
  const end = DateTime.fromJSDate(now, { zone: config.timezone });
  const today = end.startOf('day');
  const start = today.minus({ days: days - 1 });
  const startsAt = { bulk_order: { hour: BULK_ORDER.hour, minute: BULK_ORDER.minute }, missing_hour: { hour: MISSING_HOUR }, app_outage: { hour: APP_OUTAGE.from } };
  const incidents: DemoIncident[] = ((options.incidents ?? true) ? DEMO_INCIDENTS : [])
    .map(({ kind, daysAgo, description }) => {
      const day = today.minus({ days: daysAgo });
      return { kind, day: day.toISODate() ?? '', at: day.set(startsAt[kind]).toJSDate(), description };
    })
    .filter((incident) => incident.day >= (start.toISODate() ?? ''));
  return { start, end, today, incidents };
}

function* shopHours(
  config: NightshiftConfig,
  /** `end` undefined: endless. Events after `cutoffMs` are drawn, then dropped, so the rest of the shop stays the same. */
  plan: { start: DateTime; end: DateTime | undefined; cutoffMs: number; seed: number; incidents: readonly DemoIncident[] },
): Generator<{ endMs: number; events: ValidEvent[] }> {
  const { start, end } = plan;
  const random = seededRandom(plan.seed);
  const wanted = new Set(DEMO_METRICS.filter((metric) => Object.hasOwn(config.metrics, metric)));
  const incidentOn = (kind: DemoIncidentKind): string | undefined => plan.incidents.find((incident) => incident.kind === kind)?.day;
  const [bulkOrderDay, missingHourDay] = [incidentOn('bulk_order'), incidentOn('missing_hour')];
  const appOutageDays = new Set(plan.incidents.filter((incident) => incident.kind === 'app_outage').map((incident) => incident.day));
  const nowMs = plan.cutoffMs;
  let events: ValidEvent[] = [];
  const push = (metric: (typeof DEMO_METRICS)[number], ms: number, value: number, dims: Record<string, string>): void => {
    if (!wanted.has(metric) || ms > nowMs) return;
    events.push({ metric, ts: new Date(ms).toISOString(), tsMs: ms, value, dims });
  };
  const cells = STORES.flatMap((store) => CHANNELS.map((channel) => ({ store, channel, dims: { store: store.name, channel: channel.name } })));
  // A steady shop: sessions vary less than Poisson counts would, each (store, channel) converts
  // exactly its rate of sessions (an accumulator rather than a coin per session) and baskets
  // follow the log-normal's quantiles in a low-discrepancy order (golden-ratio steps), its far
  // tail cut off. A day then moves by a percent or two, far below the proofs' 10% minimum
  // change: the days they flag are the planted incidents, not chance.
  const conversionDebt = cells.map(() => random());
  let basketPhase = random();

  for (let hour = start; end === undefined || hour < end; hour = hour.plus({ hours: 1 })) {
    const hourMs = hour.toMillis();
    const day = hour.toISODate();
    const trend = 1 + DAILY_GROWTH * hour.diff(start, 'days').days;
    // The planted incidents drop events after they are drawn, so the rest of the shop is the
    // same with or without them.
    const lostHour = day === missingHourDay && hour.hour === MISSING_HOUR;
    const outage = appOutageDays.has(day ?? '') && hour.hour >= APP_OUTAGE.from && hour.hour < APP_OUTAGE.to;
    cells.forEach(({ store, channel, dims }, cell) => {
      if (hour.hour < channel.opens || hour.hour >= channel.closes) return;
      const lambda = PEAK_SESSIONS_PER_HOUR * store.size * channel.share * (HOURLY[hour.hour] ?? 0) * (channel.week[hour.weekday - 1] ?? 1) * trend;
      const dropped = lostHour || (outage && channel.name === APP_OUTAGE.channel);
      const sessions = steadyCount(lambda, random);
      for (let i = 0; i < sessions; i += 1) {
        const at = hourMs + Math.floor(random() * 3_600_000);
        const pages = 1 + Math.floor(-Math.log(1 - random()) * 4);
        const debt = (conversionDebt[cell] ?? 0) + channel.conversion;
        const orders = debt >= 1;
        conversionDebt[cell] = orders ? debt - 1 : debt;
        let amount = 0;
        if (orders) {
          basketPhase = (basketPhase + GOLDEN_STEP) % 1;
          // Log-normal basket around $45 (its 0.5%..99.5% quantiles: $10 to $210), in cents.
          amount = Math.round(Math.exp(Math.log(45) + 0.6 * normalQuantile(0.005 + 0.99 * basketPhase)) * 100) / 100;
        }
        const orderAt = orders ? Math.min(at + Math.floor(random() * 600_000), hourMs + 3_599_999) : 0;
        const refunded = orders && random() < REFUND_RATE;
        if (dropped) continue;
        push('sessions', at, 1, dims);
        push('page_views', at, pages, dims);
        if (!orders) continue;
        push('orders', orderAt, 1, dims);
        push('revenue', orderAt, amount, dims);
        if (refunded) push('refunds', orderAt, 1, dims);
      }
    });
    if (day === bulkOrderDay && hour.hour === BULK_ORDER.hour) {
      const dims = { store: BULK_ORDER.store, channel: BULK_ORDER.channel };
      const at = hourMs + BULK_ORDER.minute * 60_000;
      push('orders', at, 1, dims);
      push('revenue', at, BULK_ORDER.amount, dims);
    }
    yield { endMs: hourMs + HOUR_MS, events };
    events = [];
  }
}

/** `demoShop`'s events all at once. */
export function demoEvents(config: NightshiftConfig, now: Date, options: DemoOptions = {}): DemoData {
  const { hours, ...shop } = demoShop(config, now, options);
  const events: ValidEvent[] = [];
  for (const hour of hours()) for (const event of hour.events) events.push(event);
  return { events, ...shop };
}

function gaussian(random: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
}

const gzipAsync = promisify(gzip);

const GOLDEN_STEP = (Math.sqrt(5) - 1) / 2;

/** The standard normal's quantile (Acklam's rational approximation, |error| < 1.2e-9). */
function normalQuantile(p: number): number {
  const a = [-39.6968302866538, 220.946098424521, -275.928510446969, 138.357751867269, -30.6647980661472, 2.50662827745924];
  const b = [-54.4760987982241, 161.585836858041, -155.698979859887, 66.8013118877197, -13.2806815528857];
  const c = [-0.00778489400243029, -0.322396458041136, -2.40075827716184, -2.54973253934373, 4.37466414146497, 2.93816398269878];
  const d = [0.00778469570904146, 0.32246712907004, 2.445134137143, 3.75440866190742];
  const low = 0.02425;
  if (p < low || p > 1 - low) {
    const q = Math.sqrt(-2 * Math.log(p < low ? p : 1 - p));
    const x = (((((c[0]! * q + c[1]!) * q + c[2]!) * q + c[3]!) * q + c[4]!) * q + c[5]!) / ((((d[0]! * q + d[1]!) * q + d[2]!) * q + d[3]!) * q + 1);
    return p < low ? x : -x;
  }
  const q = p - 0.5;
  const r = q * q;
  return ((((((a[0]! * r + a[1]!) * r + a[2]!) * r + a[3]!) * r + a[4]!) * r + a[5]!) * q) / (((((b[0]! * r + b[1]!) * r + b[2]!) * r + b[3]!) * r + b[4]!) * r + 1);
}

/** Whether anything at all is stored under `events/` (the first start has nothing). */
export async function hasEvents(artifacts: ArtifactStore): Promise<boolean> {
  for await (const object of artifacts.list('events/')) return object !== undefined;
  return false;
}

/** s3rver answers each put slowly but in parallel well: hundreds of hours in a few seconds. */
const DEMO_PUT_CONCURRENCY = 64;

/**
 * Writes the shop's events as ingest would, one gzip NDJSON object per UTC hour
 * (`writeEventObjects`' keys and lines), while it generates them: each UTC hour is written as
 * soon as it is complete, at most `DEMO_PUT_CONCURRENCY` at once, so drawing the next hours
 * overlaps the emulator's work. Returns the keys, sorted, and the number of events.
 */
export async function writeDemoShop(artifacts: ArtifactStore, shop: DemoShop, now: Date): Promise<{ objects: string[]; events: number }> {
  const objectId = ulid(now.getTime());
  const keys: string[] = [];
  const inFlight = new Set<Promise<void>>();
  let failure: { error: unknown } | undefined;
  const write = (events: ValidEvent[]): void => {
    const key = `${eventHourPrefix(events[0]!.tsMs)}${objectId}.ndjson.gz`;
    const put = gzipAsync(events.map(eventLine).join('\n') + '\n')
      .then((body) => artifacts.put(key, body, EVENT_OBJECT_CONTENT_TYPE))
      .then(
        () => void keys.push(key),
        (error: unknown) => void (failure ??= { error }),
      )
      .finally(() => inFlight.delete(put));
    inFlight.add(put);
  };

  // Events by UTC hour; an hour is complete once the generated local hours have passed its end.
  const pending = new Map<number, ValidEvent[]>();
  let count = 0;
  for (const { endMs, events: generated } of shop.hours()) {
    for (const event of generated) {
      const utcHour = Math.floor(event.tsMs / HOUR_MS);
      let events = pending.get(utcHour);
      if (!events) pending.set(utcHour, (events = []));
      events.push(event);
    }
    count += generated.length;
    for (const [utcHour, events] of pending) {
      if ((utcHour + 1) * HOUR_MS > endMs) continue;
      pending.delete(utcHour);
      write(events);
    }
    while (inFlight.size >= DEMO_PUT_CONCURRENCY) await Promise.race(inFlight);
    if (failure) break;
  }
  for (const events of pending.values()) write(events);
  await Promise.all(inFlight);
  if (failure) throw failure.error;
  return { objects: keys.sort(), events: count };
}
