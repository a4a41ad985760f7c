import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localDay } from '../../../functions/core/time/periods';
import type { JobRecord } from '../../../functions/core/jobs/record';
import type { InProcessInvoker } from '../../../infra/local/in-process-invoker';
import { TEST_TOKENS, testCloud, type TestApi } from '../../helpers/api';
import { testDependencies } from '../../helpers/jobs';
import { rollupConfig, scanAnalytics } from '../../helpers/rollup-bed';
import { createTestStorage, type TestStorage } from '../../helpers/storage';

const TIMEZONE = 'America/Los_Angeles';
const DAY_MS = 86_400_000;
const DEBOUNCE_MS = 1_000;

const pause = (ms: number): Promise<void> => new Promise((done) => setTimeout(done, ms));

/**
 * Events far older than the rollup's lookback (48 h), ingested through the API: the debounced
 * rollup that ingest asks for must count them, because ingest marked the hours it wrote.
 */
describe('accepted events older than the lookback', () => {
  let storage: TestStorage;
  let api: TestApi;
  let invoker: InProcessInvoker;
  const invokeErrors: string[] = [];

  beforeAll(async () => {
    storage = await createTestStorage('late-events');
    const cloud = testCloud(storage, rollupConfig({ rollup: { debounceMs: DEBOUNCE_MS } }), { onError: (invocation, error) => invokeErrors.push(`${invocation.type}: ${String(error)}`) });
    api = cloud;
    invoker = cloud.invoker;
  });

  afterAll(async () => {
    await invoker.drain(5_000);
    await storage.destroy();
  });

  async function rollupRuns(): Promise<JobRecord[]> {
    return (await testDependencies(storage).ledger.list({ type: 'rollup', limit: 100 })).items;
  }

  async function stats(metric: string, from: string, to: string) {
    return (await api.call('GET', '/stats', { token: TEST_TOKENS.read, query: { metric, from, to } })).body as {
      items: Array<{ day: string; count: number; sum: number; complete: boolean }>;
      incompleteDays: string[];
    };
  }

  it('are in /stats within one debounce window plus one rollup, 5 and 40 days old alike; until then their days say incomplete', async () => {
    // Prepare: a quarter past the hour, 5 and 40 days ago.
    const now = Date.now();
    const fiveDays = Math.floor((now - 5 * DAY_MS) / 3_600_000) * 3_600_000 + 15 * 60_000;
    const fortyDays = fiveDays - 35 * DAY_MS;
    const days = [localDay(new Date(fortyDays), TIMEZONE), localDay(new Date(fiveDays), TIMEZONE)];
    const events = [
      { metric: 'orders', ts: new Date(fiveDays).toISOString(), dims: { store: 's1' } },
      { metric: 'orders', ts: new Date(fiveDays + 60_000).toISOString(), dims: { store: 's2' } },
      { metric: 'revenue', ts: new Date(fortyDays).toISOString(), value: 12.5 },
    ];

    // Act
    const answer = await api.call('POST', '/events', { token: TEST_TOKENS.ingest, body: { events } });
    const before = [await stats('orders', days[1]!, days[1]!), await stats('revenue', days[0]!, days[0]!)];
    const accepted = Date.now();
    let orders = before[0]!;
    while ((orders.items.length === 0 || orders.incompleteDays.length > 0) && Date.now() - accepted < 30_000) {
      await pause(100);
      orders = await stats('orders', days[1]!, days[1]!);
    }
    const visibleAfterMs = Date.now() - accepted;
    const revenue = await stats('revenue', days[0]!, days[0]!);
    const runs = await rollupRuns();
    const marks = (await scanAnalytics(storage)).filter((item) => item['pk'] === 'rollup#written');

    // Assess
    expect(answer.status).toBe(202);
    expect(answer.body.accepted).toBe(3);
    expect(before.map((answer) => [answer.items, answer.incompleteDays])).toEqual([
      [[], [days[1]]],
      [[], [days[0]]],
    ]);
    expect(orders.items).toEqual([{ day: days[1], dims: {}, count: 2, sum: 2, min: 1, max: 1, complete: true }]);
    expect(orders.incompleteDays).toEqual([]);
    expect(revenue.items).toEqual([{ day: days[0], dims: {}, count: 1, sum: 12.5, min: 12.5, max: 12.5, complete: true }]);
    expect(visibleAfterMs).toBeLessThan(DEBOUNCE_MS + 10_000);
    expect(runs.map((run) => [run.trigger, run.status, run.summary?.['writtenHours']])).toEqual([['debounce', 'succeeded', 2]]);
    expect(marks).toEqual([]);
    expect(invokeErrors).toEqual([]);
  });
});
