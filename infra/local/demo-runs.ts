import { DateTime } from 'luxon';
import { catalogEntry, isShipped } from '../../functions/catalog';
import type { JobDependencies } from '../../functions/core/jobs/definition';
import type { JobRecord } from '../../functions/core/jobs/record';
import { isSuccessful, isTerminal } from '../../functions/core/jobs/states';
import { submitRun } from '../../functions/core/jobs/submit-run';
import { backfill } from '../../functions/core/jobs/backfill';
import { describeError } from '../../functions/core/errors';
import { eventHourPrefix } from '../../functions/core/events/metric-event';
import { previousPeriod } from '../../functions/core/time/periods';
import { MAX_RANGE_DAYS } from '../../functions/jobs/rollup/params';
import { DEMO_PROOF_DAYS, type DemoShop } from './demo-events';

/**
 * The demo's runs, queued through the use cases the API uses (`submitRun`, `backfill`), trigger
 * `backfill`, triggered by `demo-data`:
 *
 * 1. now: rollups over every demo day (a rollup's range is at most 31 days, so two of them for
 *    the eight weeks; the rollup lane runs them one after the other), and a script run
 *    (`events-summary` over the hour of the bulk order), which reads raw events only;
 * 2. once every rollup has ended: sampling proofs of the last 14 closed days (the backfill use
 *    case), the daily snapshot of yesterday, the weekly snapshot of last week and an export of the
 *    proven fortnight by channel.
 *
 * Why wait: the proofs read eight weeks of same-weekday baselines, which only the rollups bring
 * in (a proof, snapshot or export brings only its own days up to date). And a rollup that finds
 * the rollup lease held ends `skipped` (single flight) while a proof, snapshot or export waits
 * for it: queued together, a proof could take the lease between the two rollups and leave half
 * the history unread. Queued after them, the later runs only wait for each other's short
 * catch-ups. A demo rollup skipped anyway (someone's run held the lease) is queued again.
 */
export interface DemoRuns {
  rollups: Array<{ id: string; from: string; to: string }>;
  script?: { id: string; input: string };
  /** What is queued once the rollups have ended. */
  next: {
    proofs?: { from: string; to: string };
    dailySnapshot?: string;
    weeklySnapshot?: string;
    export?: { from: string; to: string; metrics: string[]; groupBy: string[] };
  };
  /** Settles when the follow-up runs are queued (or could not be); never rejects. */
  followUp: Promise<void>;
}

const TRIGGER = { trigger: 'backfill', triggeredBy: 'demo-data' } as const;
const POLL_MS = 500;
/** How long the follow-up waits for the rollups before it gives up (they time out at 5 minutes). */
const MAX_WAIT_MS = 15 * 60_000;
const MAX_ROLLUP_ATTEMPTS = 3;

/** Queues the demo's first runs and starts (not awaits) the follow-up; see `DemoRuns`. */
export async function queueDemoRuns(deps: JobDependencies, data: Pick<DemoShop, 'from' | 'to' | 'incidents'>, objects: readonly string[], log: (line: string) => void): Promise<DemoRuns> {
  const { config } = deps;
  const now = deps.clock.now();
  const options = { timezone: config.timezone, weekStartsOn: config.weekStartsOn };
  const rollups: DemoRuns['rollups'] = [];
  if (isShipped('rollup')) {
    // Newest range first: /stats answers for the recent weeks soonest.
    for (const range of rangesOf(data.from, data.to, MAX_RANGE_DAYS).reverse()) {
      rollups.push({ id: await submitRollup(deps, range), ...range });
    }
  }

  let script: DemoRuns['script'];
  const bulkOrder = data.incidents.find((incident) => incident.kind === 'bulk_order');
  const input = (bulkOrder && objects.find((key) => key.startsWith(eventHourPrefix(bulkOrder.at.getTime())))) ?? objects.at(-1);
  if (isShipped('script-run') && input !== undefined) {
    const submitted = await submitRun(deps, { entry: catalogEntry('script-run'), ...TRIGGER, params: { script: 'events-summary', args: { input } } });
    script = { id: submitted.job.id, input };
  }

  const yesterday = previousPeriod('day', now, options).key;
  const next: DemoRuns['next'] = {};
  if (isShipped('sampling-proof')) next.proofs = { from: addDays(yesterday, -(DEMO_PROOF_DAYS - 1)), to: yesterday };
  if (isShipped('snapshot')) {
    next.dailySnapshot = yesterday;
    next.weeklySnapshot = previousPeriod('week', now, options).key;
  }
  const metrics = ['revenue', 'orders', 'sessions'].filter((metric) => Object.hasOwn(config.metrics, metric));
  if (isShipped('export') && metrics.length > 0) {
    next.export = { from: addDays(yesterday, -(DEMO_PROOF_DAYS - 1)), to: yesterday, metrics, groupBy: config.dimensions.includes('channel') ? ['channel'] : [] };
  }

  const followUp = queueAfterRollups(deps, rollups, next, log).catch((error: unknown) => {
    log(`Demo data: the runs after the rollups were not queued: ${describeError(error).message}`);
  });
  return { rollups, ...(script ? { script } : {}), next, followUp };
}

async function queueAfterRollups(deps: JobDependencies, rollups: DemoRuns['rollups'], next: DemoRuns['next'], log: (line: string) => void): Promise<void> {
  const started = Date.now();
  for (const rollup of rollups) {
    let ended = await waitForEnd(deps, rollup.id);
    // Skipped (the lease was held) or timed out on a busy machine: a rollup keeps every object it
    // absorbed, so the next one goes on from there.
    for (let attempt = 1; (ended.status === 'skipped' || ended.status === 'timed_out') && attempt < MAX_ROLLUP_ATTEMPTS; attempt += 1) {
      if (ended.status === 'timed_out') log(`Demo data: rollup ${ended.id} (${rollup.from}..${rollup.to}) ran out of time (a busy machine?); running it again, from where it stopped.`);
      rollup.id = await submitRollup(deps, rollup);
      ended = await waitForEnd(deps, rollup.id);
    }
    if (!isSuccessful(ended.status)) {
      log(`Demo data: rollup ${ended.id} (${rollup.from}..${rollup.to}) ended ${ended.status}; the proofs, snapshots and export were not queued.`);
      return;
    }
  }

  const queued: string[] = [];
  const refused: string[] = [];
  const attempt = async (what: string, submit: () => Promise<string>): Promise<void> => {
    try {
      queued.push(`${what} ${await submit()}`);
    } catch (error) {
      refused.push(`${what}: ${describeError(error).message}`);
    }
  };
  const proofIds: string[] = [];
  if (next.proofs) {
    const { from, to } = next.proofs;
    await attempt(`sampling proofs ${from}..${to}`, async () => {
      const result = await backfill(deps, { entry: catalogEntry('sampling-proof'), from, to, onlyMissing: true, triggeredBy: TRIGGER.triggeredBy });
      proofIds.push(...result.queued.map((queuedRun) => queuedRun.jobId));
      return `(${result.queued.length} queued${result.skipped.length > 0 ? `, ${result.skipped.length} already there` : ''})`;
    });
  }
  // Snapshots and the export are gated on the proofs of the days they cover: queued after the
  // proofs have ended, they are held or published by the same rule every time (the demo's
  // export covers the planted critical days, so it is held until someone releases it).
  for (const id of proofIds) await waitForEnd(deps, id);
  for (const [kind, period] of [['daily', next.dailySnapshot], ['weekly', next.weeklySnapshot]] as const) {
    if (period === undefined) continue;
    await attempt(`${kind} snapshot ${period}`, async () => (await submitRun(deps, { entry: catalogEntry('snapshot'), ...TRIGGER, params: {}, period })).job.id);
  }
  if (next.export) {
    const { from, to, metrics, groupBy } = next.export;
    await attempt(`export ${from}..${to}`, async () => {
      const params = { from, to, metrics, ...(groupBy.length > 0 ? { groupBy } : {}), name: 'demo' };
      return (await submitRun(deps, { entry: catalogEntry('export'), ...TRIGGER, params })).job.id;
    });
  }
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  log(
    `Demo data: rollups done after ${seconds} s; queued ${queued.join(', ') || 'nothing'}` +
      (refused.length > 0 ? `; not queued: ${refused.join('; ')}` : '') +
      '.',
  );
}

async function submitRollup(deps: JobDependencies, range: { from: string; to: string }): Promise<string> {
  const submitted = await submitRun(deps, { entry: catalogEntry('rollup'), ...TRIGGER, params: { from: range.from, to: range.to } });
  return submitted.job.id;
}

/** Polls the run until it has ended; a run missing from the ledger is an error. */
async function waitForEnd(deps: JobDependencies, id: string): Promise<JobRecord> {
  const until = Date.now() + MAX_WAIT_MS;
  for (;;) {
    const job = await deps.ledger.get(id);
    if (!job) throw new Error(`run ${id} is not in the ledger`);
    if (isTerminal(job.status)) return job;
    if (Date.now() > until) throw new Error(`run ${id} has not ended after ${MAX_WAIT_MS / 60_000} minutes`);
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

/** `from..to` (local days) cut into consecutive ranges of at most `maxDays` days, oldest first. */
export function rangesOf(from: string, to: string, maxDays: number): Array<{ from: string; to: string }> {
  const ranges: Array<{ from: string; to: string }> = [];
  for (let start = from; start <= to; start = addDays(start, maxDays)) {
    const end = addDays(start, maxDays - 1);
    ranges.push({ from: start, to: end < to ? end : to });
  }
  return ranges;
}

function addDays(day: string, days: number): string {
  return DateTime.fromISO(day, { zone: 'utc' }).plus({ days }).toISODate() ?? day;
}
