import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localDay } from '../../../functions/core/time/periods';
import type { JobRecord } from '../../../functions/core/jobs/record';
import type { InProcessInvoker } from '../../../infra/local/in-process-invoker';
import { TEST_TOKENS, testCloud, type TestApi } from '../../helpers/api';
import { testDependencies } from '../../helpers/jobs';
import { rollupConfig } from '../../helpers/rollup-bed';
import { createTestStorage, type TestStorage } from '../../helpers/storage';

const DEBOUNCE_MS = 5_000;
const INGESTS = 100;
const TIMEZONE = 'America/Los_Angeles';

const pause = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * The whole path as the local cloud runs it: ingests through the API function, the debounce
 * mark in DynamoDB Local, delayed invokes on the in-process invoker's timer, and the rollup
 * function's own handler.
 */
describe('debounced rollups after ingest (in-process invoker, real storage)', () => {
  let storage: TestStorage;
  let api: TestApi;
  let invoker: InProcessInvoker;
  const invokeErrors: string[] = [];

  beforeAll(async () => {
    storage = await createTestStorage('debounce-rollup');
    const cloud = testCloud(storage, rollupConfig({ rollup: { debounceMs: DEBOUNCE_MS } }), { onError: (invocation, error) => invokeErrors.push(`${invocation.type}: ${String(error)}`) });
    api = cloud;
    invoker = cloud.invoker;
  });

  afterAll(async () => {
    await invoker.drain(5_000);
    await storage.destroy();
  });

  async function rollupRuns(): Promise<JobRecord[]> {
    const { ledger } = testDependencies(storage);
    return (await ledger.list({ type: 'rollup', limit: 100 })).items;
  }

  /** Until nothing is waiting or running, and it stays so for a moment. */
  async function settled(timeoutMs: number): Promise<JobRecord[]> {
    const until = Date.now() + timeoutMs;
    let quietSince: number | undefined;
    for (;;) {
      const runs = await rollupRuns();
      const busy = invoker.delayedCount > 0 || runs.length === 0 || runs.some((run) => run.status === 'queued' || run.status === 'running');
      if (busy) quietSince = undefined;
      else if ((quietSince ??= Date.now()) < Date.now() - 1_000) return runs;
      if (Date.now() > until) throw new Error(`rollups did not settle: ${JSON.stringify(runs.map((r) => r.status))}`);
      await pause(200);
    }
  }

  it(`turns ${INGESTS} ingests within 2 s into at most 2 rollup runs that count every event once`, async () => {
    // Prepare: ten waves of ten concurrent requests, 150 ms apart (about 1.5 s in all).
    const base = Date.now() - 15 * 60_000;
    const answers: Array<{ status: number }> = [];
    const started = Date.now();

    // Act
    for (let wave = 0; wave < 10; wave += 1) {
      const waveStart = Date.now();
      const requests = Array.from({ length: INGESTS / 10 }, (_, i) => {
        const n = wave * 10 + i;
        const events = [
          { metric: 'orders', ts: new Date(base + n * 1000).toISOString(), dims: { store: `s${n % 4}`, channel: 'web' } },
          { metric: 'revenue', ts: new Date(base + n * 1000 + 1).toISOString(), value: 2.5, dims: { store: `s${n % 4}` } },
        ];
        return api.call('POST', '/events', { token: TEST_TOKENS.ingest, body: { events } });
      });
      answers.push(...(await Promise.all(requests)));
      await pause(Math.max(0, 150 - (Date.now() - waveStart)));
    }
    const ingestMs = Date.now() - started;
    const runs = await settled(60_000);
    const days = [localDay(new Date(base), TIMEZONE), localDay(new Date(base + INGESTS * 1000), TIMEZONE)];
    const stats = await api.call('GET', '/stats', { token: TEST_TOKENS.read, query: { metric: 'orders', from: days[0]!, to: days[1]! } });
    const revenue = await api.call('GET', '/stats', { token: TEST_TOKENS.read, query: { metric: 'revenue', from: days[0]!, to: days[1]! } });

    // Assess
    console.log(`ingests ${ingestMs} ms; rollup runs ${runs.length}: ${runs.map((r) => `${r.trigger}/${r.status}/${r.durationMs}ms`).join(', ')}`);
    // One run per debounce window the ingests spanned, plus the one after the last: on an idle
    // machine the 1.5 s of ingests fit one window (at most 2 runs); a loaded one may stretch them.
    const windowsSpanned = Math.ceil(ingestMs / DEBOUNCE_MS);
    expect(answers.every((answer) => answer.status === 202)).toBe(true);
    expect(invokeErrors).toEqual([]);
    expect(runs.length).toBeGreaterThanOrEqual(1);
    expect(runs.length).toBeLessThanOrEqual(windowsSpanned + 1);
    expect(runs.every((run) => run.trigger === 'debounce' && run.status === 'succeeded')).toBe(true);
    expect(stats.body.items.reduce((sum: number, item: { count: number }) => sum + item.count, 0)).toBe(INGESTS);
    expect(revenue.body.items.reduce((sum: number, item: { sum: number }) => sum + item.sum, 0)).toBe(INGESTS * 2.5);
  });
});
