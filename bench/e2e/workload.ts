import { eventLine } from '../rollup/events';
import { seededRandom } from '../rollup/prng';
import { METRICS, TIMEZONE } from '../rollup/shared';

/** The metric of the one probe event each latency request carries, grouped by `store` = the request's id. */
export const PROBE_METRIC = 'probe';

/** One POST /events body: NDJSON lines, and what they add per metric and local day. */
export interface IngestRequest {
  body: string;
  events: number;
  /** `${metric}\u0001${localDay}` → count and sum, computed here, independently of the rollup. */
  totals: Map<string, { count: number; sum: number }>;
}

const localDayFormat = new Intl.DateTimeFormat('en-CA', { timeZone: TIMEZONE, year: 'numeric', month: '2-digit', day: '2-digit' });

/**
 * Requests of `eventsPerRequest` storefront events dated within the last `spreadMs` before `nowMs`
 * (so each lands in one or two UTC hour objects, as live traffic does). With `probeId`, one of the
 * events is the probe: metric `probe`, dims `{store: probeId}`, value 1.
 */
export function ingestRequest(seed: number, eventsPerRequest: number, nowMs: number, spreadMs: number, probeId?: string): IngestRequest {
  const random = seededRandom(seed);
  const lines: string[] = [];
  const totals = new Map<string, { count: number; sum: number }>();
  const add = (line: string): void => {
    lines.push(line);
    const event = JSON.parse(line) as { metric: string; ts: string; value: number };
    const key = `${event.metric}\u0001${localDayFormat.format(new Date(event.ts))}`;
    const total = totals.get(key) ?? { count: 0, sum: 0 };
    total.count += 1;
    total.sum += event.value;
    totals.set(key, total);
  };
  const regular = probeId === undefined ? eventsPerRequest : eventsPerRequest - 1;
  for (let i = 0; i < regular; i++) add(eventLine(random, nowMs - Math.floor(random() * spreadMs)));
  if (probeId !== undefined) add(`${JSON.stringify({ metric: PROBE_METRIC, ts: new Date(nowMs).toISOString(), value: 1, dims: { store: probeId } })}\n`);
  return { body: lines.join(''), events: lines.length, totals };
}

export function addTotals(into: Map<string, { count: number; sum: number }>, from: ReadonlyMap<string, { count: number; sum: number }>): void {
  for (const [key, { count, sum }] of from) {
    const total = into.get(key) ?? { count: 0, sum: 0 };
    total.count += count;
    total.sum += sum;
    into.set(key, total);
  }
}

export const BENCH_METRICS = [...METRICS, PROBE_METRIC] as const;

/** p-th percentile (0–100) of `values`, nearest rank. */
export function percentile(values: readonly number[], p: number): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}
