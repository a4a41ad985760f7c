import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoDbDebounceStore } from '../../../functions/adapters/dynamodb/debounce-store';
import { DEBOUNCE_RETRY_MIN_MS, DEBOUNCE_STALE_AFTER_MS, requestDebounced } from '../../../functions/core/jobs/debounce';
import type { JobDependencies } from '../../../functions/core/jobs/definition';
import { handleInvocation } from '../../../functions/core/jobs/handle-invocation';
import { FakeClock } from '../../helpers/clock';
import { DelayRecordingInvoker } from '../../helpers/invokers';
import { fakeJob, testDependencies } from '../../helpers/jobs';
import { createTestStorage, type TestStorage } from '../../helpers/storage';

const LIMITS = { remainingMs: 60_000, marginMs: 1_000 };

/** A promise and the function that settles it: lets a test hold a run in the middle of its work. */
function gate(): { opened: Promise<void>; open: () => void } {
  let open = (): void => undefined;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { opened, open };
}

describe('debounced runs (DynamoDB Local)', () => {
  let storage: TestStorage;
  let store: DynamoDbDebounceStore;

  beforeAll(async () => {
    storage = await createTestStorage('debounce');
    store = new DynamoDbDebounceStore(storage.documentClient, storage.names.jobsTable);
  });

  afterAll(async () => {
    await storage.destroy();
  });

  /** Dependencies on the file's tables; each test debounces a job type of its own, so marks never meet. */
  function deps(clock = new FakeClock()): JobDependencies & { debounce: DynamoDbDebounceStore; invoker: DelayRecordingInvoker; clock: FakeClock } {
    return { ...testDependencies(storage, { clock, invoker: new DelayRecordingInvoker() }), debounce: store } as never;
  }

  it('lets exactly one of 20 concurrent requests schedule the run, delayed by the window', async () => {
    // Prepare
    const d = deps();

    // Act
    const outcomes = await Promise.all(Array.from({ length: 20 }, () => requestDebounced(d, 'rollup', 4_200)));

    // Assess
    expect(outcomes.filter((o) => o === 'scheduled')).toHaveLength(1);
    expect(outcomes.filter((o) => o === 'coalesced')).toHaveLength(19);
    expect(d.invoker.calls).toEqual([{ invocation: { type: 'rollup', trigger: 'debounce', triggeredBy: 'debounce' }, delaySeconds: 5 }]);
    const { Item } = await storage.documentClient.send(new GetCommand({ TableName: storage.names.jobsTable, Key: { id: 'debounce#rollup' } }));
    expect(Item).toMatchObject({ pending: true, windowMs: 4_200, dueAt: new Date(d.clock.now().getTime() + 5_000).toISOString() });
  });

  it('clears the mark when the debounced run starts, so requests during the run schedule exactly one follow-up', async () => {
    // Prepare
    const d = deps();
    await requestDebounced(d, 'sweeper', 1_000);
    const midRun = gate();
    const release = gate();
    const outcomesDuringRun: string[] = [];
    const job = fakeJob(async () => {
      midRun.open();
      await release.opened;
      return { summary: { ok: true } };
    }, { singleFlight: { lease: 'debounce-test-a', ttlMs: 30_000 } });

    // Act
    const running = handleInvocation(job, d.invoker.calls[0]!.invocation, d, LIMITS);
    await midRun.opened;
    for (let i = 0; i < 5; i += 1) outcomesDuringRun.push(await requestDebounced(d, 'sweeper', 1_000));
    release.open();
    const result = await running;

    // Assess
    expect(result).toMatchObject({ outcome: 'ran', job: { status: 'succeeded', trigger: 'debounce' } });
    expect(outcomesDuringRun).toEqual(['scheduled', 'coalesced', 'coalesced', 'coalesced', 'coalesced']);
    expect(d.invoker.calls).toHaveLength(2);
  });

  it('requests again, one retry interval later, when the debounced run finds the lease held', async () => {
    // Prepare: another run of the type holds the lease; a request is pending.
    const d = deps();
    await d.leases.acquire('debounce-test-b', 'the-hourly-run', 60_000);
    await requestDebounced(d, 'sampling-proof', 1_000);
    const job = fakeJob(async () => ({ summary: {} }), { type: 'sampling-proof', singleFlight: { lease: 'debounce-test-b', ttlMs: 30_000 } });
    const delivered = d.invoker.calls[0]!.invocation;

    // Act
    const first = await handleInvocation(job, delivered, d, LIMITS);
    await d.leases.release('debounce-test-b', 'the-hourly-run');
    const retried = await handleInvocation(job, d.invoker.calls[1]!.invocation, d, LIMITS);

    // Assess: skipped, asked again no sooner than the retry interval, and that run went ahead.
    expect(first).toMatchObject({ outcome: 'ran', job: { status: 'skipped', skippedFor: 'the-hourly-run' } });
    expect(d.invoker.calls.map((call) => call.delaySeconds)).toEqual([1, DEBOUNCE_RETRY_MIN_MS / 1000]);
    expect(retried).toMatchObject({ outcome: 'ran', job: { status: 'succeeded', trigger: 'debounce' } });
    expect(d.invoker.calls).toHaveLength(2);
  });

  it('takes over a mark whose run never started long after it was due', async () => {
    // Prepare: a request whose invocation was lost.
    const d = deps();
    await requestDebounced(d, 'script-run', 5_000);

    // Act
    d.clock.advance(5_000 + DEBOUNCE_STALE_AFTER_MS - 1_000);
    const beforeStale = await requestDebounced(d, 'script-run', 5_000);
    d.clock.advance(2_000);
    const afterStale = await requestDebounced(d, 'script-run', 5_000);

    // Assess
    expect(beforeStale).toBe('coalesced');
    expect(afterStale).toBe('scheduled');
    expect(d.invoker.calls).toHaveLength(2);
  });

  it('releases the mark when the invocation cannot be scheduled, so the next request tries again', async () => {
    // Prepare
    const d = deps();
    d.invoker.failNext = true;

    // Act
    const failed = requestDebounced(d, 'export', 5_000);
    await expect(failed).rejects.toThrow(/invoke refused/);
    const next = await requestDebounced(d, 'export', 5_000);

    // Assess
    expect(next).toBe('scheduled');
    expect(d.invoker.calls).toHaveLength(1);
  });

  it('leaves runs of other triggers alone: the mark stays pending for the debounced run', async () => {
    // Prepare
    const d = deps();
    await requestDebounced(d, 'snapshot', 1_000);
    const job = fakeJob(async () => ({}), { type: 'snapshot' });

    // Act
    await handleInvocation(job, { type: 'snapshot', trigger: 'api' }, d, LIMITS);
    const afterManualRun = await requestDebounced(d, 'snapshot', 1_000);

    // Assess
    expect(afterManualRun).toBe('coalesced');
  });
});
