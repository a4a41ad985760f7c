import { CHANNELS, METRICS, STORES } from './shared';
import { pick } from './prng';

/** Sessions and page views dominate, as on a storefront; orders, revenue and refunds are rarer. */
const METRIC_WEIGHTS: ReadonlyArray<readonly [(typeof METRICS)[number], number]> = [
  ['sessions', 0.33],
  ['page_views', 0.35],
  ['orders', 0.1],
  ['revenue', 0.17],
  ['refunds', 0.05],
];

function pickMetric(random: () => number): (typeof METRICS)[number] {
  let roll = random();
  for (const [metric, weight] of METRIC_WEIGHTS) {
    roll -= weight;
    if (roll < 0) return metric;
  }
  return 'sessions';
}

function valueOf(metric: (typeof METRICS)[number], random: () => number): number {
  switch (metric) {
    case 'revenue':
      return Math.round((5 + random() * 195) * 100) / 100;
    case 'refunds':
      return Math.round((1 + random() * 99) * 100) / 100;
    case 'page_views':
      return 1 + Math.floor(random() * 12);
    default:
      return 1;
  }
}

/**
 * One NDJSON line (with its newline) as ingest writes it:
 * `{"metric":"revenue","ts":"2026-11-20T08:15:30.123Z","value":12.5,"dims":{"store":"s07","channel":"web"}}`.
 */
export function eventLine(random: () => number, tsMs: number): string {
  const metric = pickMetric(random);
  const value = valueOf(metric, random);
  const store = pick(random, STORES);
  const channel = pick(random, CHANNELS);
  const ts = new Date(tsMs).toISOString();
  return `{"metric":"${metric}","ts":"${ts}","value":${value},"dims":{"store":"${store}","channel":"${channel}"}}\n`;
}

/** `count` lines with times uniform in [fromMs, toMs), in batches of about `batchLines` lines. */
export function* eventBatches(random: () => number, count: number, fromMs: number, toMs: number, batchLines = 5000): Generator<string> {
  const span = toMs - fromMs;
  let batch = '';
  let inBatch = 0;
  for (let i = 0; i < count; i++) {
    batch += eventLine(random, fromMs + Math.floor(random() * span));
    if (++inBatch === batchLines) {
      yield batch;
      batch = '';
      inBatch = 0;
    }
  }
  if (inBatch > 0) yield batch;
}
