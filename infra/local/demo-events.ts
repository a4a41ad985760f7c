import { DateTime } from 'luxon';
import { ulid } from 'ulid';
import type { NightshiftConfig } from '../../functions/core/config';
import type { ArtifactStore } from '../../functions/core/jobs/ports';
import type { ValidEvent } from '../../functions/core/events/metric-event';
import { writeEventObjects } from '../../functions/core/events/event-objects';

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

/** Relative traffic by local hour: quiet nights, a lunch bump, the evening peak. */
const HOURLY = [0.12, 0.08, 0.05, 0.04, 0.05, 0.1, 0.22, 0.38, 0.55, 0.68, 0.78, 0.88, 0.95, 0.9, 0.82, 0.8, 0.84, 0.92, 1.0, 1.0, 0.9, 0.7, 0.45, 0.25];

export const DEMO_METRICS = ['revenue', 'orders', 'sessions', 'page_views', 'refunds'] as const;

export interface DemoData {
  events: ValidEvent[];
  /** Local days covered, oldest first (the rollup's explicit range). */
  from: string;
  to: string;
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

/** Poisson by inversion: exact enough for the small rates of one hour. */
function poisson(lambda: number, random: () => number): number {
  const limit = Math.exp(-lambda);
  let k = 0;
  let p = random();
  while (p > limit) {
    k += 1;
    p *= random();
  }
  return k;
}

/**
 * About three weeks of the demo shop's events up to `now`, hour by hour in the configured zone:
 * sessions with their page views, orders with revenue, a few refunds, per store and channel,
 * with daily and weekly seasonality and a slow upward trend. Only metrics the config declares
 * are produced. Seeded: the same `now` and seed give the same events.
 */
export function demoEvents(config: NightshiftConfig, now: Date, options: { days?: number; seed?: number } = {}): DemoData {
  const days = options.days ?? 21;
  const random = seededRandom(options.seed ?? 20261122);
  const wanted = new Set(DEMO_METRICS.filter((metric) => Object.hasOwn(config.metrics, metric)));
  const end = DateTime.fromJSDate(now, { zone: config.timezone });
  const start = end.startOf('day').minus({ days: days - 1 });
  const events: ValidEvent[] = [];
  const push = (metric: string, ms: number, value: number, dims: Record<string, string>): void => {
    if (!wanted.has(metric as (typeof DEMO_METRICS)[number]) || ms > now.getTime()) return;
    events.push({ metric, ts: new Date(ms).toISOString(), tsMs: ms, value, dims });
  };

  for (let hour = start; hour < end; hour = hour.plus({ hours: 1 })) {
    const hourMs = hour.toMillis();
    const trend = 1 + 0.01 * hour.diff(start, 'days').days;
    for (const store of STORES) {
      for (const channel of CHANNELS) {
        if (hour.hour < channel.opens || hour.hour >= channel.closes) continue;
        const lambda = PEAK_SESSIONS_PER_HOUR * store.size * channel.share * (HOURLY[hour.hour] ?? 0) * (channel.week[hour.weekday - 1] ?? 1) * trend;
        const dims = { store: store.name, channel: channel.name };
        const sessions = poisson(lambda, random);
        for (let i = 0; i < sessions; i += 1) {
          const at = hourMs + Math.floor(random() * 3_600_000);
          push('sessions', at, 1, dims);
          push('page_views', at, 1 + Math.floor(-Math.log(1 - random()) * 4), dims);
          if (random() >= channel.conversion) continue;
          const orderAt = Math.min(at + Math.floor(random() * 600_000), hourMs + 3_599_999);
          // Log-normal basket around $45, in cents.
          const amount = Math.round(Math.exp(Math.log(45) + 0.6 * gaussian(random)) * 100) / 100;
          push('orders', orderAt, 1, dims);
          push('revenue', orderAt, amount, dims);
          if (random() < REFUND_RATE) push('refunds', orderAt, 1, dims);
        }
      }
    }
  }
  return { events, from: start.toISODate() ?? '', to: end.toISODate() ?? '' };
}

function gaussian(random: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
}

/** Whether anything at all is stored under `events/` (the first start has nothing). */
export async function hasEvents(artifacts: ArtifactStore): Promise<boolean> {
  for await (const object of artifacts.list('events/')) return object !== undefined;
  return false;
}

/** s3rver answers each put slowly but in parallel well: hundreds of hours in a few seconds. */
const DEMO_PUT_CONCURRENCY = 64;

/** Writes the demo events as ingest would: one gzip NDJSON object per UTC hour. */
export async function writeDemoEvents(artifacts: ArtifactStore, data: DemoData, now: Date): Promise<string[]> {
  return writeEventObjects(artifacts, data.events, ulid(now.getTime()), DEMO_PUT_CONCURRENCY);
}
