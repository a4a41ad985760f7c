import { realClock } from '../../infra/local/simulated-clock';
import type { NightshiftConfig } from '../../functions/core/config';
import { buildInProcessFunctions } from '../../infra/local/in-process-functions';
import { TEST_TOKENS, testEnvironment } from '../../test/helpers/api';
import type { TestStorage } from '../../test/helpers/storage';
import { callerOf, postEvents, type Totals } from './phases';
import { addTotals, ingestRequest, PROBE_METRIC } from './workload';

export interface LatencyResult {
  /** Seconds from each request's 202 until GET /stats showed its probe event. */
  latencies: number[];
  requests: number;
  events: number;
  totals: Totals;
  /** Probes never seen before the wait ran out. */
  unseen: number;
  rollupRuns: number;
}

const POLL_MS = 200;

/**
 * Live traffic into the whole in-process cloud (API, debounced rollups through the in-process
 * invoker's delay timers): `clients` clients each send a request, pause `pauseMs`, and again, for
 * `seconds`. Every request carries one probe event (metric `probe`, store = its id); a poller
 * reads GET /stats for the probe metric and notes when each id first shows.
 */
export async function measureVisibility(storage: TestStorage, config: NightshiftConfig, input: { seconds: number; clients: number; pauseMs: number; eventsPerRequest: number; days: string[] }): Promise<LatencyResult> {
  let rollupRuns = 0;
  const functions = buildInProcessFunctions(testEnvironment(storage, config), {
    clock: realClock,
    onError: (_invocation, error) => process.stderr.write(`[bench e2e] a job invocation failed: ${String(error)}\n`),
    onEnded: (invocation) => {
      if (invocation.type === 'rollup') rollupRuns += 1;
    },
  });
  const call = callerOf(functions.api);
  const acceptedAt = new Map<string, number>();
  const visibleAt = new Map<string, number>();
  const totals: Totals = new Map();
  let events = 0;
  let sending = true;

  const poller = (async () => {
    const waitUntil = (): number => Date.now() + (config.rollup.debounceMs + 60_000);
    let deadline = waitUntil();
    while (sending || (visibleAt.size < acceptedAt.size && Date.now() < deadline)) {
      if (sending) deadline = waitUntil();
      const answer = await call('GET', '/stats', { token: TEST_TOKENS.read, query: { metric: PROBE_METRIC, from: input.days[0] ?? '', to: input.days.at(-1) ?? '', groupBy: 'store' } });
      const now = performance.now();
      for (const item of (answer.body as { items?: Array<{ dims: { store?: string } }> }).items ?? []) {
        const id = item.dims.store;
        if (id !== undefined && !visibleAt.has(id)) visibleAt.set(id, now);
      }
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
  })();

  const endAt = performance.now() + input.seconds * 1000;
  let sent = 0;
  await Promise.all(
    Array.from({ length: input.clients }, async (_, client) => {
      while (performance.now() < endAt) {
        const id = `c${client}-${String(sent++).padStart(5, '0')}`;
        const request = ingestRequest(1_000_000 + sent * 7 + client, input.eventsPerRequest, Date.now(), 10 * 60_000, id);
        await postEvents(call, request.body);
        acceptedAt.set(id, performance.now());
        events += request.events;
        addTotals(totals, request.totals);
        await new Promise((resolve) => setTimeout(resolve, input.pauseMs));
      }
    }),
  );
  sending = false;
  await poller;
  await functions.invoker.whenIdle();
  const latencies = [...acceptedAt].flatMap(([id, at]) => {
    const seen = visibleAt.get(id);
    return seen === undefined ? [] : [(seen - at) / 1000];
  });
  return { latencies, requests: acceptedAt.size, events, totals, unseen: acceptedAt.size - latencies.length, rollupRuns };
}
