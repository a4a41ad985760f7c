import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobRecord } from '../../../functions/core/jobs/record';
import { TEST_TOKENS, testApi, type TestApi } from '../../helpers/api';
import { FakeClock } from '../../helpers/clock';
import { newJob, testConfig, testDependencies } from '../../helpers/jobs';
import { createTestStorage, type TestStorage } from '../../helpers/storage';

const config = testConfig();
const START = Date.parse('2026-11-20T00:00:00Z');

describe('GET /jobs over 250 runs', () => {
  let storage: TestStorage;
  let api: TestApi;
  let runs: JobRecord[];

  beforeAll(async () => {
    storage = await createTestStorage('api-pagination');
    api = testApi(storage, config);
    const { ledger } = testDependencies(storage, { config });
    // 250 sweeper runs a minute apart, some sharing a createdAt (ties are ordered by id).
    runs = [];
    for (let batch = 0; batch < 250; batch += 25) {
      runs.push(
        ...(await Promise.all(
          Array.from({ length: 25 }, (_, i) => ledger.enqueue(newJob({ type: 'sweeper' }, new FakeClock(new Date(START + Math.floor((batch + i) / 2) * 60_000))))),
        )),
      );
    }
  }, 60_000);

  afterAll(async () => {
    await storage.destroy();
  });

  const list = (query: Record<string, string>) => api.call('GET', '/jobs', { token: TEST_TOKENS.read, query });

  it('pages newest first with an opaque cursor, never repeating or skipping a run', async () => {
    // Act
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page = await list({ type: 'sweeper', limit: '100', ...(cursor ? { cursor } : {}) });
      expect(page.status).toBe(200);
      seen.push(...page.body.items.map((job: JobRecord) => job.id));
      cursor = page.body.nextCursor;
      pages += 1;
    } while (cursor);

    // Assess
    const expected = [...runs].sort((a, b) => (a.createdAt === b.createdAt ? (a.id < b.id ? 1 : -1) : a.createdAt < b.createdAt ? 1 : -1)).map((job) => job.id);
    expect(seen).toEqual(expected);
    expect(pages).toBe(3);
  });

  it('filters by since/until and status, and refuses a cursor it did not issue and a limit over 100', async () => {
    // Act
    const window = await list({ type: 'sweeper', since: new Date(START + 10 * 60_000).toISOString(), until: new Date(START + 14 * 60_000).toISOString(), limit: '100' });
    const queued = await list({ status: 'queued', limit: '5' });
    const forged = await list({ type: 'sweeper', cursor: 'eyJub3QiOiJvdXJzIn0' });
    const tooMany = await list({ limit: '101' });

    // Assess
    expect(window.body.items).toHaveLength(10);
    expect(window.body.items.every((job: JobRecord) => job.createdAt >= new Date(START + 10 * 60_000).toISOString() && job.createdAt <= new Date(START + 14 * 60_000).toISOString())).toBe(true);
    expect(queued.body.items).toHaveLength(5);
    expect(typeof queued.body.nextCursor).toBe('string');
    expect([forged.status, forged.body.error.code]).toEqual([400, 'invalid_cursor']);
    expect(tooMany.status).toBe(400);
    expect(tooMany.body.error.message).toContain('query.limit');
  });
});
