import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RollupBusyError } from '../../../functions/core/rollup/errors';
import { silentLogger } from '../../../functions/core/jobs/logger';
import { bringRollupUpToDate } from '../../../functions/jobs/rollup/bring-up-to-date';
import { ROLLUP_LEASE } from '../../../functions/jobs/rollup/rollup-job';
import { FakeClock } from '../../helpers/clock';
import { rollupBed, storedDailyStats, type RollupBed } from '../../helpers/rollup-bed';
import { statsRowKey } from '../../helpers/rollup-events';
import { createTestStorage, type TestStorage } from '../../helpers/storage';

const NOW = Date.parse('2026-11-23T11:00:00Z');

describe('rollup: brought up to date inside another run', () => {
  let storage: TestStorage;
  let bed: RollupBed;

  beforeAll(async () => {
    storage = await createTestStorage('rollup-up-to-date');
    bed = rollupBed(storage, { clock: new FakeClock(new Date(NOW)) });
  });

  afterAll(async () => {
    await storage.destroy();
  });

  const input = (overrides: Partial<Parameters<typeof bringRollupUpToDate>[0]> = {}) => ({
    deps: bed.deps,
    store: bed.store,
    from: '2026-11-22',
    to: '2026-11-22',
    jobId: 'snapshot-run',
    signal: new AbortController().signal,
    deadline: new Date(NOW + 120_000),
    log: silentLogger,
    ...overrides,
  });

  it('absorbs the range\'s objects under the rollup lease and gives the lease back', async () => {
    // Prepare: 3 orders at 23:59 local on 11-22, older than the lookback would matter for a plain rollup.
    const line = JSON.stringify({ metric: 'orders', ts: '2026-11-22T23:59:00-08:00', value: 1, dims: { store: 's1' } });
    await storage.artifactStore.put('events/dt=2026-11-23/hour=07/late.ndjson.gz', gzipSync([line, line, line].join('\n')), 'application/x-ndjson');

    // Act
    const report = await bringRollupUpToDate(input());
    const lease = await bed.deps.leases.acquire(ROLLUP_LEASE.lease, 'someone-else', 1000);

    // Assess
    expect(report).toMatchObject({ objectsRead: 1, events: 3 });
    expect([...(await storedDailyStats(storage)).entries()]).toEqual([[statsRowKey('orders', '2026-11-22', { store: 's1' }), { count: 3, sum: 3, min: 1, max: 1 }]]);
    expect(lease.acquired).toBe(true);
    await bed.deps.leases.release(ROLLUP_LEASE.lease, 'someone-else');
  });

  it('waits for a rollup that holds the lease, and names it when the wait runs out', async () => {
    // Prepare
    await bed.deps.leases.acquire(ROLLUP_LEASE.lease, 'running-rollup', 60_000);

    // Act
    const started = Date.now();
    const outcome = await bringRollupUpToDate(input({ maxWaitMs: 1200 })).catch((error: unknown) => error);

    // Assess
    expect(outcome).toBeInstanceOf(RollupBusyError);
    expect((outcome as RollupBusyError).message).toContain('running-rollup');
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
    await bed.deps.leases.release(ROLLUP_LEASE.lease, 'running-rollup');
  });
});
