import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import demoConfig from '../../../nightshift.config';
import { parseConfig } from '../../../functions/core/config';
import type { JobRecord } from '../../../functions/core/jobs/record';
import { skipRun } from '../../../functions/core/jobs/lifecycle/skip-run';
import { timeOutRun } from '../../../functions/core/jobs/lifecycle/time-out-run';
import { queueDemoRuns } from '../../../infra/local/demo-runs';
import { FakeClock } from '../../helpers/clock';
import { RecordingInvoker, testDependencies } from '../../helpers/jobs';
import { createTestStorage, type TestStorage } from '../../helpers/storage';

async function eventually<T>(what: string, probe: () => T | undefined, timeoutMs = 10_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('the demo runs (infra/local/demo-runs.ts)', () => {
  let storage: TestStorage;

  beforeAll(async () => {
    storage = await createTestStorage('demo-runs');
  });

  afterAll(async () => {
    await storage?.destroy();
  });

  it('queues the rest only after both rollups ended, and queues a rollup again that found the lease held', async () => {
    // Prepare: the demo config at 12:00 in Los Angeles; nothing runs (the invoker only records).
    const invoker = new RecordingInvoker();
    const deps = testDependencies(storage, { config: parseConfig(demoConfig), clock: new FakeClock('2026-11-23T20:00:00Z'), invoker });
    const lines: string[] = [];
    const data = { from: '2026-09-28', to: '2026-11-23', incidents: [] };
    const invoked = (type: string) => invoker.invocations.filter((invocation) => invocation.type === type);
    const record = async (id: string | undefined) => (await deps.ledger.get(id ?? '')) as JobRecord;
    const succeed = async (job: JobRecord) => {
      const running = await deps.ledger.transition(job, ['queued'], 'running', { startedAt: deps.clock.now().toISOString(), deadlineAt: '2026-11-23T21:00:00.000Z' });
      await deps.ledger.transition(running, ['running'], 'succeeded', { finishedAt: deps.clock.now().toISOString(), durationMs: 1 });
    };

    // Act: queue; the newer rollup finds the lease held (a proof took it), the older one succeeds.
    const runs = await queueDemoRuns(deps, data, ['events/dt=2026-11-23/hour=19/x.ndjson.gz'], (line) => lines.push(line));
    const queuedFirst = invoker.invocations.map((invocation) => invocation.type);
    const [newer, older] = runs.rollups.map((rollup) => rollup.id);
    await skipRun(deps.ledger, await record(newer), deps.clock.now(), 'someone', 'lease_held');
    await succeed(await record(older));
    const again = await eventually('the skipped rollup queued again', () => (invoked('rollup').length === 3 ? invoked('rollup')[2] : undefined));
    const beforeTheRetryEnded = invoker.invocations.length;
    await succeed(await record(again.jobId));
    const proofRuns = await eventually('the proofs queued', () => (invoked('sampling-proof').length === 14 ? invoked('sampling-proof') : undefined));
    const gatedBeforeTheProofsEnded = invoked('snapshot').length + invoked('export').length;
    for (const invocation of proofRuns) await succeed(await record(invocation.jobId));
    await runs.followUp;

    // Assess
    expect(runs.rollups.map(({ from, to }) => `${from}..${to}`)).toEqual(['2026-10-29..2026-11-23', '2026-09-28..2026-10-28']);
    expect(queuedFirst).toEqual(['rollup', 'rollup', 'script-run']);
    expect(beforeTheRetryEnded).toBe(4);
    // Snapshots and the export are gated on the proofs: queued only once every proof has ended.
    expect(gatedBeforeTheProofsEnded).toBe(0);
    const retried = await record(again.jobId);
    expect(retried).toMatchObject({ type: 'rollup', trigger: 'backfill', triggeredBy: 'demo-data', params: { from: '2026-10-29', to: '2026-11-23' } });
    expect(invoked('sampling-proof')).toHaveLength(14);
    const proofs = await Promise.all(invoked('sampling-proof').map(async (invocation) => (await record(invocation.jobId)).period));
    expect(proofs.sort()).toEqual(Array.from({ length: 14 }, (_, index) => `2026-11-${String(9 + index).padStart(2, '0')}`));
    const snapshots = await Promise.all(invoked('snapshot').map(async (invocation) => (await record(invocation.jobId)).period));
    expect(snapshots).toEqual(['2026-11-22', '2026-W47']);
    const exported = await record(invoked('export')[0]?.jobId);
    expect(exported.params).toMatchObject({ from: '2026-11-09', to: '2026-11-22', metrics: ['revenue', 'orders', 'sessions'], groupBy: ['channel'] });
    expect(lines).toEqual([expect.stringMatching(/^Demo data: rollups done after [\d.]+ s; queued sampling proofs 2026-11-09\.\.2026-11-22 \(14 queued\), daily snapshot 2026-11-22 \w+, weekly snapshot 2026-W47 \w+, export 2026-11-09\.\.2026-11-22 \w+\.$/)]);
  });

  it('runs a rollup again that timed out (a busy machine), and goes on once it succeeded', async () => {
    // Prepare
    const invoker = new RecordingInvoker();
    const deps = testDependencies(storage, { config: parseConfig(demoConfig), clock: new FakeClock('2026-11-23T20:00:00Z'), invoker });
    const lines: string[] = [];
    const record = async (id: string | undefined) => (await deps.ledger.get(id ?? '')) as JobRecord;
    const rollups = () => invoker.invocations.filter((invocation) => invocation.type === 'rollup');

    // Act: the one rollup runs past its deadline; the one queued again succeeds.
    const runs = await queueDemoRuns(deps, { from: '2026-11-01', to: '2026-11-23', incidents: [] }, [], (line) => lines.push(line));
    const first = await record(runs.rollups[0]?.id);
    const running = await deps.ledger.transition(first, ['queued'], 'running', { startedAt: deps.clock.now().toISOString(), deadlineAt: '2026-11-23T20:05:00.000Z' });
    await timeOutRun(deps.ledger, running, deps.clock.now());
    const again = await eventually('the timed-out rollup queued again', () => (rollups().length === 2 ? rollups()[1] : undefined));
    const retried = await deps.ledger.transition(await record(again.jobId), ['queued'], 'running', { startedAt: deps.clock.now().toISOString(), deadlineAt: '2026-11-23T21:00:00.000Z' });
    await deps.ledger.transition(retried, ['running'], 'succeeded', { finishedAt: deps.clock.now().toISOString(), durationMs: 1 });
    // The proofs it queued (those the first test left are already there) end as the follow-up waits.
    let followedUp = false;
    void runs.followUp.then(() => (followedUp = true));
    while (!followedUp) {
      for (const invocation of invoker.invocations.filter((candidate) => candidate.type === 'sampling-proof')) {
        const proof = await record(invocation.jobId);
        if (proof.status !== 'queued') continue;
        const started = await deps.ledger.transition(proof, ['queued'], 'running', { startedAt: deps.clock.now().toISOString(), deadlineAt: '2026-11-23T21:00:00.000Z' });
        await deps.ledger.transition(started, ['running'], 'succeeded', { finishedAt: deps.clock.now().toISOString(), durationMs: 1 });
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }

    // Assess
    expect(lines[0]).toBe(`Demo data: rollup ${first.id} (2026-11-01..2026-11-23) ran out of time (a busy machine?); running it again, from where it stopped.`);
    expect(lines[1]).toMatch(/^Demo data: rollups done after [\d.]+ s; queued sampling proofs 2026-11-09\.\.2026-11-22 /);
  });

  it('queues nothing more when a rollup failed, and says so', async () => {
    // Prepare
    const invoker = new RecordingInvoker();
    const deps = testDependencies(storage, { config: parseConfig(demoConfig), clock: new FakeClock('2026-11-23T20:00:00Z'), invoker });
    const lines: string[] = [];

    // Act
    const runs = await queueDemoRuns(deps, { from: '2026-11-01', to: '2026-11-23', incidents: [] }, [], (line) => lines.push(line));
    const rollup = (await deps.ledger.get(runs.rollups[0]?.id ?? '')) as JobRecord;
    await deps.ledger.transition(rollup, ['queued'], 'failed', { finishedAt: deps.clock.now().toISOString(), durationMs: 0, error: { code: 'x', message: 'boom' } });
    await runs.followUp;

    // Assess
    expect(runs.rollups).toHaveLength(1);
    expect(runs.script).toBeUndefined();
    expect(invoker.invocations.map((invocation) => invocation.type)).toEqual(['rollup']);
    expect(lines).toEqual([`Demo data: rollup ${rollup.id} (2026-11-01..2026-11-23) ended failed; the proofs, snapshots and export were not queued.`]);
  });
});
