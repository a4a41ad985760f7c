import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { resolve } from 'node:path';
import { DateTime } from 'luxon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scheduledTasks } from '../../../functions/catalog';
import { NightshiftClient, type StatsResult } from '../../../functions/client';
import type { NightshiftConfig } from '../../../functions/core/config';
import type { ValidEvent } from '../../../functions/core/events/metric-event';
import type { JobRecord } from '../../../functions/core/jobs/record';
import { loadConfigFile } from '../../../infra/config/load-config';
import { DEMO_METRICS, demoEvents, demoShop, writeDemoShop, type DemoShop } from '../../../infra/local/demo-events';
import { recordLiveShop, resumeLiveShop, type LiveShop } from '../../../infra/local/demo-live-shop';
import { createApiServer } from '../../../infra/local/http-adapter';
import { LocalScheduler } from '../../../infra/local/scheduler';
import { SimulatedClock } from '../../../infra/local/simulated-clock';
import { TEST_TOKENS, testCloud, type TestApi } from '../../helpers/api';
import { createTestStorage, type TestStorage } from '../../helpers/storage';

const ZONE = 'America/Los_Angeles';
const DAY = '2026-12-03';
const local = (hour: number, minute = 0) => DateTime.fromISO(DAY, { zone: ZONE }).set({ hour, minute }).toJSDate();
/** The first start: the history is written up to here, the live shop goes on from here. */
const FIRST_START = local(10, 30);
/** A journey takes seconds; a machine busy with other suites can stretch that several times. */
const JOURNEY_TIMEOUT_MS = 180_000;

/**
 * The demo's live shop on a simulated clock that skips idle time: the shipped config's hourly
 * rollup schedule, the in-process job functions and the API behind the local cloud's HTTP
 * adapter, over the test's tables. The history is the demo's own, written as the first start
 * writes it, but only what the watch and /stats read (sessions 08:00-14:00 on the eight same
 * weekdays before, and today up to the first start): all 57 days would take the rollup half a
 * minute. From 10:30 to
 * 13:06 the live shop sends the shop's events through POST /events, with one lost answer and one
 * restart on the way; its app channel goes out at 11:00.
 */
describe('the demo live shop, 10:30 to 13:06 on a simulated clock', () => {
  let storage: TestStorage;
  let config: NightshiftConfig;
  let cloud: TestApi;
  let history: DemoShop;
  const historyEvents: ValidEvent[] = [];
  /** What reached the API, by Idempotency-Key: a request sent again counts once. */
  const sentByKey = new Map<string, Array<{ metric: string; ts: string; value: number; dims: Record<string, string> }>>();
  let requests = 0;
  let restartedAt: Date | undefined;
  let sentThrough: Date;

  beforeAll(async () => {
    const demo = await loadConfigFile('nightshift.config.ts', resolve(import.meta.dirname, '../../..'));
    const hourly = demo.schedules['rollup-hourly'];
    if (!hourly) throw new Error('the demo config has no rollup-hourly schedule');
    // Only the hourly rollup among the schedules (the others run at night); a short lookback, as
    // the time-travel test has: the live shop's requests mark their hours for the rollup anyway.
    // The sessions trend check watched hourly by the config (`hourly: true`) rather than by `auto`,
    // which would read whole baseline days to tell how busy the metric is: the history below
    // holds only the baseline hours the watch compares (the demo's own start has all of them).
    const checks = demo.checks.map((check) => (check.kind === 'trend' && check.metric === 'sessions' ? { ...check, hourly: true as const } : check));
    config = { ...demo, checks, rollup: { ...demo.rollup, lookbackHours: 1 }, schedules: { 'rollup-hourly': hourly } };
    storage = await createTestStorage('live-shop');
  }, JOURNEY_TIMEOUT_MS);

  afterAll(async () => {
    await storage?.destroy();
  });

  it('alerts during the outage, once, naming channel=app; /stats counts exactly what was written and sent', async () => {
    // Prepare: the first start's history (the days the watch reads), rolled up, and its live shop state.
    const clock = new SimulatedClock(FIRST_START, Infinity);
    const errors: unknown[] = [];
    const functions = testCloud(storage, config, { clock, variables: { NIGHTSHIFT_DEPLOYED_AT: FIRST_START.toISOString() }, onError: (_invocation, error) => errors.push(error) });
    cloud = functions;
    history = demoShop(config, FIRST_START);
    const baselineDays = new Set([DAY, ...Array.from({ length: 8 }, (_, week) => DateTime.fromISO(DAY).minus({ weeks: week + 1 }).toISODate())]);
    const read: DemoShop = {
      ...history,
      hours: function* () {
        for (const hour of history.hours()) {
          const events = hour.events.filter((event) => {
            const at = DateTime.fromMillis(event.tsMs, { zone: ZONE });
            return at.toISODate() === DAY || (event.metric === 'sessions' && baselineDays.has(at.toISODate()) && at.hour >= 8 && at.hour <= 13);
          });
          historyEvents.push(...events);
          yield { endMs: hour.endMs, events };
        }
      },
    };
    const { objects } = await writeDemoShop(storage.artifactStore, read, FIRST_START);
    // One rollup over the written hours, marked as ingest marks them (the demo's ranges would take nine runs).
    await functions.runtime.services.rollup.markWritten([...new Set(objects.map(hourOfObject))], FIRST_START);
    const submitted = await cloud.call('POST', '/jobs', { token: TEST_TOKENS.admin, body: { type: 'rollup' } });
    expect(submitted.status).toBe(202);
    await functions.invoker.whenIdle();
    expect((await cloud.call('GET', `/jobs/${submitted.body.job.id}`, { token: TEST_TOKENS.read })).body).toMatchObject({ status: 'succeeded' });
    await recordLiveShop(storage.artifactStore, config, FIRST_START);

    const server: Server = createApiServer(cloud.handler, 30_000, clock);
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const client = new NightshiftClient({ baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, token: TEST_TOKENS.ingest });
    let loseAnAnswer = true;
    const shopClient: Pick<NightshiftClient, 'sendEvents'> = {
      sendEvents: async (events, options) => {
        requests += 1;
        const answer = await client.sendEvents(events, options);
        sentByKey.set(options?.idempotencyKey ?? `unkeyed-${requests}`, events as never);
        // Once, for the window 11:15-11:30, the answer is lost after the API stored the events: the shop must send the same window again.
        if (loseAnAnswer && events.some((event) => (event as { ts: string }).ts >= local(11, 15).toISOString())) {
          loseAnAnswer = false;
          throw new Error('connection reset (the test lost the answer)');
        }
        return answer;
      },
    };
    // 15 minutes of shop time per request rather than 5: a third of the requests and of the rollups they set off.
    const shopDeps = { config, artifacts: storage.artifactStore, clock, client: shopClient, log: () => undefined, windowMs: 15 * 60_000 };
    const scheduler = new LocalScheduler(scheduledTasks(config), functions.invoker, FIRST_START, clock, () => undefined, functions.runtime.deps);

    // Act: the clock runs to 13:06; at 11:47 (the outage on, not yet alerted) the live shop stops and a new one resumes from the stored state.
    let shop: LiveShop | undefined = await resumeLiveShop(shopDeps);
    expect(shop).toBeDefined();
    scheduler.start();
    shop!.start();
    await clock.reach(local(11, 47));
    // The restart is work: the clock waits for it (as the local cloud's start holds it).
    const restarting = clock.working();
    await shop!.stop();
    restartedAt = clock.now();
    shop = await resumeLiveShop(shopDeps);
    shop!.start();
    restarting();
    await clock.reach(local(13, 6));
    await shop!.stop();
    sentThrough = shop!.sentThrough;
    scheduler.stop();
    await functions.invoker.drain(30_000);
    clock.stop();
    server.closeAllConnections();
    server.close();
    expect(errors).toEqual([]);

    // Assess: the alert, as the rollup runs show it (GET /jobs): one, during the outage, explained by the app.
    const rollups = await everyRollup(cloud);
    const alerted = rollups.flatMap((run) => watchAlerts(run).map((alert) => ({ run, alert })));
    expect(alerted).toHaveLength(1);
    const [{ run, alert }] = alerted as [(typeof alerted)[number]];
    expect(alert.subject).toMatch(/^Hourly watch: sessions collapsed at 11:00 on 2026-12-03 −\d+% \(critical\)$/);
    expect(alert.explanation[0]).toMatch(/^channel=app: −100% in every store, 11:00–12:00/);
    expect(Date.parse(run.finishedAt ?? '')).toBeGreaterThan(local(12, 0).getTime());
    expect(Date.parse(run.finishedAt ?? '')).toBeLessThan(local(13, 30).getTime());

    // The live shop sent every window up to the last one closed, in about one request per five minutes.
    expect(sentThrough.toISOString()).toBe(local(13, 0).toISOString());
    expect(restartedAt.getTime()).toBeGreaterThanOrEqual(local(11, 47).getTime());
    expect(restartedAt.getTime()).toBeLessThan(local(11, 48).getTime());
    // One request per window (10:45 … 13:00) and the window whose answer was lost, sent again.
    expect(requests).toBe(11);
    expect(sentByKey.size).toBe(10);

    // Exactness at the seam: what was sent is the shop's series after the first start (the history
    // generator cut later gives the same events, but for the live outage), nothing before it, and
    // /stats holds the written history of the day plus what was sent, each event once.
    const sent = [...sentByKey.values()].flat();
    const later = demoEvents(config, sentThrough).events.filter((event) => event.tsMs > FIRST_START.getTime());
    const outage = (event: { ts: string; dims: Record<string, string> }) => event.dims['channel'] === 'app' && event.ts >= local(11).toISOString();
    const key = (event: { metric: string; ts: string; value: number; dims: Record<string, string> }) => `${event.metric} ${event.ts} ${event.value} ${event.dims['store']} ${event.dims['channel']}`;
    expect(sent.filter(outage)).toEqual([]);
    expect(sent.map(key).sort()).toEqual(later.filter((event) => !outage(event)).map(key).sort());
    for (const metric of DEMO_METRICS) {
      const stats = await cloud.call('GET', '/stats', { token: TEST_TOKENS.read, query: { metric, from: DAY, to: DAY } });
      expect(stats.status).toBe(200);
      const [day] = (stats.body as StatsResult).items;
      const expected = [...historyEvents.filter((event) => event.metric === metric && event.ts >= local(0).toISOString()), ...sent.filter((event) => event.metric === metric)];
      expect({ metric, count: day?.count ?? 0, sum: round(day?.sum ?? 0) }).toEqual({ metric, count: expected.length, sum: round(expected.reduce((total, event) => total + event.value, 0)) });
    }
  }, JOURNEY_TIMEOUT_MS);
});

const round = (value: number) => Math.round(value * 100) / 100;

/** `events/dt=2026-12-03/hour=18/….ndjson.gz` → `2026-12-03T18`. */
function hourOfObject(key: string): string {
  const match = /^events\/dt=(\d{4}-\d{2}-\d{2})\/hour=(\d{2})\//.exec(key);
  if (!match) throw new Error(`not an event object key: ${key}`);
  return `${match[1]}T${match[2]}`;
}

async function everyRollup(api: TestApi): Promise<JobRecord[]> {
  const runs: JobRecord[] = [];
  let cursor: string | undefined;
  do {
    const page = await api.call('GET', '/jobs', { token: TEST_TOKENS.read, query: { type: 'rollup', limit: '100', ...(cursor ? { cursor } : {}) } });
    expect(page.status).toBe(200);
    runs.push(...(page.body.items as JobRecord[]));
    cursor = (page.body.nextCursor as string | null) ?? undefined;
  } while (cursor);
  return runs;
}

function watchAlerts(run: JobRecord): Array<{ subject: string; explanation: string[] }> {
  const watch = run.summary?.['watch'] as { alerts?: Array<{ subject: string; explanation: string[] }> } | undefined;
  return watch?.alerts ?? [];
}
