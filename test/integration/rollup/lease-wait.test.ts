import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { handleInvocation } from '../../../functions/core/jobs/handle-invocation';
import { MAX_LEASE_WAIT_MS } from '../../../functions/core/jobs/execute-run';
import { submitRun } from '../../../functions/core/jobs/submit-run';
import { catalogEntry } from '../../../functions/catalog';
import { silentLogger } from '../../../functions/core/jobs/logger';
import { createRun } from '../../../functions/core/jobs/lifecycle/create-run';
import { executeDebouncedRun } from '../../../functions/core/jobs/debounce';
import { DynamoDbDebounceStore } from '../../../functions/adapters/dynamodb/debounce-store';
import { bringRollupUpToDate } from '../../../functions/jobs/rollup/bring-up-to-date';
import { ROLLUP_LEASE } from '../../../functions/jobs/rollup/rollup-job';
import { reinvokeLostRuns, LOST_AFTER_MS } from '../../../functions/jobs/sweeper/reinvoke-lost-runs';
import { FakeClock } from '../../helpers/clock';
import { DelayRecordingInvoker } from '../../helpers/invokers';
import { rollupBed, storedDailyStats, type RollupBed } from '../../helpers/rollup-bed';
import { statsRowKey } from '../../helpers/rollup-events';
import { createTestStorage, type TestStorage } from '../../helpers/storage';

const NOW = '2026-11-23T20:00:00Z';
const LIMITS = { remainingMs: 300_000, marginMs: 5_000 };

/**
 * A rollup range someone asks for while another run holds the rollup lease (a snapshot bringing
 * the stats up to date, a crashed run whose lease has not expired) is never dropped: it waits.
 */
describe('rollup: a requested range while the lease is held', () => {
  let storage: TestStorage;
  let bed: RollupBed;
  let invoker: DelayRecordingInvoker;
  let clock: FakeClock;

  beforeAll(async () => {
    storage = await createTestStorage('rollup-lease-wait');
    invoker = new DelayRecordingInvoker();
    clock = new FakeClock(NOW);
    bed = rollupBed(storage, { clock });
    bed.deps.invoker = invoker;
    // Ten days back: outside the lookback, so only the requested range reads it.
    const line = JSON.stringify({ metric: 'orders', ts: '2026-11-13T18:00:00Z', value: 2, dims: { store: 's1' } });
    await storage.artifactStore.put('events/dt=2026-11-13/hour=18/other-pipeline.ndjson.gz', gzipSync(`${line}\n${line}\n`), 'application/gzip');
  });

  afterAll(async () => {
    await storage.destroy();
  });

  /** POST /jobs {type: rollup, params: {from, to}} as the API submits it. */
  async function requestRange(): Promise<string> {
    const { job } = await submitRun(bed.deps, { entry: catalogEntry('rollup'), trigger: 'api', triggeredBy: 'tester', params: { from: '2026-11-13', to: '2026-11-13' }, force: false });
    return job.id;
  }

  /** The invocation the API (or the last try) asked for, delivered. */
  async function deliver(jobId: string) {
    return handleInvocation(bed.job, { type: 'rollup', jobId, trigger: 'api' }, bed.deps, LIMITS);
  }

  it('waits queued behind the holder (a run id), tries again after a delay, and runs its range once the lease is free', async () => {
    // Prepare: a snapshot run holds the lease while it brings the rollup up to date.
    const snapshot = await createRun(bed.deps, { type: 'snapshot', trigger: 'api', triggeredBy: 'tester', params: {}, period: '2026-11-22' });
    await bed.deps.leases.acquire(ROLLUP_LEASE.lease, snapshot.job.id, ROLLUP_LEASE.ttlMs);
    const id = await requestRange();
    invoker.clear();

    // Act
    const waiting = await deliver(id);
    const retry = invoker.calls.at(-1);
    const holder = await bed.deps.ledger.get(String(waiting.outcome === 'ran' && waiting.job.waitingFor));
    await bed.deps.leases.release(ROLLUP_LEASE.lease, snapshot.job.id);
    clock.advance(5_000);
    const ran = await deliver(id);

    // Assess
    expect(waiting.outcome === 'ran' && waiting.job).toMatchObject({ status: 'queued', waitingFor: snapshot.job.id, waits: 1, waitingSince: NOW.replace('Z', '.000Z'), nextAttemptAt: '2026-11-23T20:00:05.000Z' });
    expect(retry).toEqual({ invocation: { type: 'rollup', jobId: id, trigger: 'api', triggeredBy: 'tester' }, delaySeconds: 5 });
    expect(holder?.id).toBe(snapshot.job.id);
    expect(ran.outcome === 'ran' && ran.job).toMatchObject({ status: 'succeeded', waitingFor: snapshot.job.id, waits: 1, summary: { range: { hours: 24 }, events: 2 } });
    expect((await storedDailyStats(storage)).get(statsRowKey('orders', '2026-11-13', { store: 's1' }))).toEqual({ count: 2, sum: 4, min: 2, max: 2 });
  });

  it('outwaits the lease of a run that died holding it (it expires), trying further apart each time', async () => {
    // Prepare: a crashed rollup's lease, 30 s left.
    await bed.deps.leases.acquire(ROLLUP_LEASE.lease, '01KDEADRUN0000000000000000', 30_000);
    const id = await requestRange();
    invoker.clear();

    // Act
    const first = await deliver(id);
    clock.advance(5_000);
    const second = await deliver(id);
    clock.advance(31_000);
    const third = await deliver(id);

    // Assess
    expect([first, second].map((answer) => answer.outcome === 'ran' && [answer.job.status, answer.job.waits])).toEqual([
      ['queued', 1],
      ['queued', 2],
    ]);
    expect(invoker.calls.map((call) => call.delaySeconds)).toEqual([5, 10]);
    expect(third.outcome === 'ran' && third.job).toMatchObject({ status: 'succeeded', waits: 2, waitingFor: '01KDEADRUN0000000000000000' });
  });

  it('fails, naming the holder, when the lease stays held past the longest wait', async () => {
    // Prepare
    const id = await requestRange();
    await bed.deps.leases.acquire(ROLLUP_LEASE.lease, '01KSTUCKRUN000000000000000', MAX_LEASE_WAIT_MS * 2);

    // Act
    await deliver(id);
    clock.advance(MAX_LEASE_WAIT_MS);
    const last = await deliver(id);
    await bed.deps.leases.release(ROLLUP_LEASE.lease, '01KSTUCKRUN000000000000000');

    // Assess
    expect(last.outcome === 'ran' && last.job).toMatchObject({
      status: 'failed',
      error: { code: 'lease_wait_exceeded', message: expect.stringContaining('run 01KSTUCKRUN000000000000000 to release the lease') },
    });
  });

  it('is invoked again by the sweeper when its next try was lost, once per sweep', async () => {
    // Prepare: a waiting run whose delayed invocation never arrives (a local cloud stopped, say).
    await bed.deps.leases.acquire(ROLLUP_LEASE.lease, '01KHOLDER00000000000000000', 60_000);
    const id = await requestRange();
    await deliver(id);
    await bed.deps.leases.release(ROLLUP_LEASE.lease, '01KHOLDER00000000000000000');
    invoker.clear();

    // Act
    clock.advance(LOST_AFTER_MS - 1_000);
    const early = await reinvokeLostRuns(bed.deps, silentLogger, new AbortController().signal);
    clock.advance(10_000);
    const late = await reinvokeLostRuns(bed.deps, silentLogger, new AbortController().signal);
    const again = await reinvokeLostRuns(bed.deps, silentLogger, new AbortController().signal);
    const ran = await deliver(id);

    // Assess (the snapshot runs earlier tests queued and never ran are re-invoked too)
    expect(early).not.toContain(id);
    expect(late).toContain(id);
    expect(again).not.toContain(id);
    expect(invoker.calls.filter((call) => call.invocation.jobId === id)).toEqual([{ invocation: { type: 'rollup', jobId: id, trigger: 'api', triggeredBy: 'tester' }, delaySeconds: 0 }]);
    expect(ran.outcome === 'ran' && ran.job.status).toBe('succeeded');
  });

  it('points a debounced run skipped by an inline rollup at the run doing it (a job id GET /jobs finds), not at "<id>:catch-up"', async () => {
    // Prepare: a snapshot's inline rollup in progress (its lease held while a debounced rollup arrives).
    const snapshot = await createRun(bed.deps, { type: 'snapshot', trigger: 'api', triggeredBy: 'tester', params: {}, period: '2026-11-21' });
    const debounce = new DynamoDbDebounceStore(storage.documentClient, storage.names.jobsTable);
    let skipped: Awaited<ReturnType<typeof executeDebouncedRun>> | undefined;
    const debounced = await createRun(bed.deps, { type: 'rollup', trigger: 'debounce', triggeredBy: 'debounce', params: {} });

    // The debounced run arrives while the inline rollup, holding the lease, reads its first marks.
    const store = new Proxy(bed.store, {
      get(target, property, receiver) {
        if (property !== 'writtenHours') return Reflect.get(target, property, receiver) as unknown;
        return async () => {
          skipped ??= await executeDebouncedRun(bed.job, debounced.job, { ...bed.deps, debounce }, LIMITS);
          return target.writtenHours();
        };
      },
    });

    // Act
    await bringRollupUpToDate({
      deps: bed.deps,
      store,
      from: '2026-11-21',
      to: '2026-11-21',
      jobId: snapshot.job.id,
      signal: new AbortController().signal,
      deadline: new Date(clock.now().getTime() + 120_000),
      log: silentLogger,
    });

    // Assess
    expect(skipped).toMatchObject({ status: 'skipped', skippedFor: snapshot.job.id, summary: { reason: 'lease_held' } });
    expect(await bed.deps.ledger.get(skipped!.skippedFor!)).toMatchObject({ id: snapshot.job.id, type: 'snapshot' });
  });
});
