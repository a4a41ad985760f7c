import { DateTime } from 'luxon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectedDailyStats, expectedStatsItems, generateEvents, seededRandom, type ExpectedTotals, type GeneratedEvent, type StatsRow } from '../helpers/rollup-events';
import { runEnded } from '../helpers/demo-start';
import { startLocalCloudProcess, type LocalCloudProcess } from '../helpers/local-cloud-process';

const TIMEZONE = 'America/Los_Angeles';
const METRICS = ['revenue', 'orders', 'sessions'] as const;
const KEPT = ['store', 'channel'];
const EVENTS_PER_REQUEST = 100;
const PARALLEL_REQUESTS = 4;

const day = (dt: DateTime): string => dt.toISODate() ?? '';

/** The latest local day before `before` that is not 24 hours long (a DST change). */
function lastDstDay(before: DateTime): DateTime {
  for (let d = before.startOf('day'); d > before.minus({ days: 400 }); d = d.minus({ days: 1 })) {
    if (d.plus({ days: 1 }).startOf('day').diff(d, 'hours').hours !== 24) return d;
  }
  throw new Error('no DST change in the last 400 days');
}

describe('events in, exact stats out (local cloud over HTTP)', () => {
  let cloud: LocalCloudProcess;
  let expected: Map<string, ExpectedTotals>;

  beforeAll(async () => {
    cloud = await startLocalCloudProcess({ args: ['--no-demo'], env: { ENABLE_TEST_ENDPOINTS: 'true' } });
  }, 90_000);

  afterAll(async () => {
    if (cloud && cloud.child.exitCode === null) await cloud.stop('SIGKILL');
  });

  it('starts without demo data when asked', async () => {
    // Act
    const today = day(DateTime.now().setZone(TIMEZONE));
    const stats = await cloud.request(`/stats?metric=revenue&from=${day(DateTime.now().setZone(TIMEZONE).minus({ days: 30 }))}&to=${today}`);

    // Assess
    expect(stats.status).toBe(200);
    expect(stats.body.items).toEqual([]);
    expect(cloud.output.some((line) => line.startsWith('Demo data:'))).toBe(false);
  });

  it('gives /stats equal to an independent computation over many requests, local midnights and a DST day', async () => {
    // Prepare: three days around the last DST change, and the two days before today.
    const now = DateTime.now().setZone(TIMEZONE);
    const dst = lastDstDay(now.minus({ days: 3 }));
    const dstDays = [dst.minus({ days: 1 }), dst, dst.plus({ days: 1 })].map(day);
    const recentDays = [now.minus({ days: 2 }), now.minus({ days: 1 })].map(day);
    const events = generateEvents(20261123, {
      days: [...dstDays, ...recentDays],
      timezone: TIMEZONE,
      eventsPerDay: 400,
      metrics: METRICS,
      stores: 5,
      channels: ['web', 'app', 'store'],
      aroundMidnight: 20,
    });
    // Sent in time order, as a pipeline batches what it collects: a request spans an hour or two.
    events.sort((a, b) => Date.parse(a.ts) - Date.parse(b.ts));
    const random = seededRandom(99);
    const bodies: Array<{ body: string; contentType: string; valid: number }> = [];
    for (let start = 0; start < events.length; start += EVENTS_PER_REQUEST) {
      const chunk: Array<GeneratedEvent | Record<string, unknown>> = events.slice(start, start + EVENTS_PER_REQUEST);
      const valid = chunk.length;
      // Every few requests carry an invalid neighbour that must cost nothing valid.
      if (bodies.length % 3 === 0) chunk.splice(Math.floor(random() * chunk.length), 0, { metric: 'revenue', ts: '2026-11-01T10:00:00', value: 5 });
      const ndjson = bodies.length % 2 === 1;
      bodies.push({
        body: ndjson ? chunk.map((event) => JSON.stringify(event)).join('\n') : JSON.stringify({ events: chunk }),
        contentType: ndjson ? 'application/x-ndjson' : 'application/json',
        valid,
      });
    }

    // Act
    const ingestStarted = Date.now();
    const answers: Array<{ status: number; body: any }> = [];
    for (let start = 0; start < bodies.length; start += PARALLEL_REQUESTS) {
      const wave = bodies.slice(start, start + PARALLEL_REQUESTS);
      answers.push(...(await Promise.all(wave.map(({ body, contentType }) => cloud.requestText('/events', { body, contentType })))));
    }
    const ingestMs = Date.now() - ingestStarted;
    // A rollup per day, as a user asks for a range: through POST /jobs, followed until it ends
    // (a run that meets the debounced rollup's lease waits behind it and goes on by itself).
    const submitted: Array<{ status: number; body: any }> = [];
    const runs: any[] = [];
    for (const d of [...dstDays, ...recentDays]) {
      const answer = await cloud.request('/jobs', { method: 'POST', body: { type: 'rollup', params: { from: d, to: d } } });
      submitted.push(answer);
      runs.push(await runEnded(cloud, answer.body.job.id, 90_000));
    }
    console.log(
      `${events.length} events in ${bodies.length} requests: ${ingestMs} ms; rollups ` +
        runs.map((run) => `${run.durationMs} ms (${run.summary?.objectsRead} objects)`).join(', ') +
        `; total ${Date.now() - ingestStarted} ms`,
    );
    const stats = async (metric: string, days: string[], groupBy?: string) =>
      (await cloud.request(`/stats?metric=${metric}&from=${days[0]}&to=${days[days.length - 1]}${groupBy ? `&groupBy=${groupBy}` : ''}`)).body.items as StatsRow[];

    // Assess
    expect(answers.map((answer) => answer.status)).toEqual(bodies.map(() => 202));
    expect(answers.map((answer) => answer.body.accepted)).toEqual(bodies.map((b) => b.valid));
    expect(answers.flatMap((answer) => answer.body.rejected).every((r: { error: string }) => /offset/.test(r.error))).toBe(true);
    expect(submitted.map((answer) => answer.status)).toEqual(submitted.map(() => 202));
    expect(runs.map((run) => run.status)).toEqual(runs.map(() => 'succeeded'));
    expected = expectedDailyStats(events, TIMEZONE, KEPT);
    for (const metric of METRICS) {
      for (const days of [dstDays, recentDays]) {
        expect(await stats(metric, days)).toEqual(expectedStatsItems(expected, metric, { days: days }));
        expect(await stats(metric, days, 'channel')).toEqual(expectedStatsItems(expected, metric, { days: days, groupBy: 'channel' }));
      }
    }
    expect(await stats('revenue', dstDays, 'store')).toEqual(expectedStatsItems(expected, 'revenue', { days: dstDays, groupBy: 'store' }));
    expect(bodies.length).toBeGreaterThanOrEqual(20);
  }, 180_000);

  it('ran a debounced rollup after the ingests, without being asked', async () => {
    // Act: the first ingest asked for one, 5 s (the default window) after it.
    let debounced: Array<{ trigger: string; status: string }> = [];
    for (let attempt = 0; attempt < 40 && debounced.length === 0; attempt += 1) {
      const { body } = await cloud.request('/jobs?type=rollup&limit=50');
      debounced = body.items.filter((run: { trigger: string; status: string }) => run.trigger === 'debounce' && run.status !== 'queued');
      if (debounced.length === 0) await new Promise((r) => setTimeout(r, 250));
    }

    // Assess
    expect(debounced.length).toBeGreaterThanOrEqual(1);
    expect(debounced.length).toBeLessThanOrEqual(3);
  });

  it('takes yesterday\'s snapshot on a trigger, equal to the same computation, with its artifact on the record', async () => {
    // Prepare
    const yesterday = day(DateTime.now().setZone(TIMEZONE).minus({ days: 1 }));
    const [revenue] = expectedStatsItems(expected, 'revenue', { days: [yesterday] });
    const [orders] = expectedStatsItems(expected, 'orders', { days: [yesterday] });
    const [sessions] = expectedStatsItems(expected, 'sessions', { days: [yesterday] });

    // Act
    const triggered = await cloud.request('/scheduler/trigger/daily', { method: 'POST' });
    const job = await runEnded(cloud, triggered.body.job.id, 60_000);
    const items = (await cloud.request(`/snapshots?period=${yesterday}&scope=overall`)).body.items;
    const artifact = await fetch(job.artifacts[0].url);

    // Assess
    expect(triggered.status).toBe(202);
    expect(job).toMatchObject({ type: 'snapshot', period: yesterday, status: 'succeeded', triggeredBy: 'admin' });
    expect(items).toHaveLength(1);
    expect(items[0].values.revenue).toBeCloseTo(revenue!.sum, 6);
    expect(items[0].values.orders).toBe(orders!.count);
    expect(items[0].values.conversion_rate).toBeCloseTo(orders!.sum / sessions!.sum, 9);
    expect(artifact.status).toBe(200);
    expect(((await artifact.json()) as { period: string; scopes: Record<string, unknown> }).scopes['overall']).toEqual(items[0].values);
  }, 90_000);
});
