import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as z from 'zod';
import { executeRun, type ExecutionLimits } from '../../../functions/core/jobs/execute-run';
import type { JobContext, JobDependencies, JobOutcome } from '../../../functions/core/jobs/definition';
import { DeadlineExceededError, LeaseLostError } from '../../../functions/core/jobs/errors';
import type { JobRecord, NewJob } from '../../../functions/core/jobs/record';
import { DelayRecordingInvoker } from '../../helpers/invokers';
import { FakeClock } from '../../helpers/clock';
import { fakeJob, newJob, testDependencies } from '../../helpers/jobs';
import { createTestStorage, type TestStorage } from '../../helpers/storage';

const START = '2026-11-23T12:00:00.000Z';
const at = (offsetMs: number): string => new Date(Date.parse(START) + offsetMs).toISOString();
/** Plenty of Lambda time: the job's own timeout decides the deadline. */
const ROOMY: ExecutionLimits = { remainingMs: 900_000, marginMs: 5_000 };

/** A promise the test opens when it wants the job's work to end. */
function gate(): { opened: Promise<void>; open: () => void } {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { opened, open };
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe('executeRun', () => {
  let storage: TestStorage;

  /** Fresh dependencies on the shared tables, each on its own fake clock at START. */
  function deps(): JobDependencies & { clock: FakeClock } {
    return testDependencies(storage, { clock: new FakeClock(START) });
  }

  async function queued(d: JobDependencies & { clock: FakeClock }, overrides: Partial<NewJob> = {}): Promise<JobRecord> {
    return d.ledger.enqueue(newJob(overrides, d.clock));
  }

  async function rawLease(name: string): Promise<Record<string, unknown> | undefined> {
    const { Item } = await storage.documentClient.send(
      new GetCommand({ TableName: storage.names.jobsTable, Key: { id: `lease#${name}` }, ConsistentRead: true }),
    );
    return Item;
  }

  beforeAll(async () => {
    storage = await createTestStorage('lifecycle-execute');
  });

  afterAll(async () => {
    await storage.destroy();
  });

  describe('a run that completes', () => {
    it('goes queued → running → succeeded, recording start, finish, duration, deadline and summary', async () => {
      // Prepare
      const d = deps();
      const run = await queued(d, { params: { day: '2026-11-22' } });
      let seenWhileRunning: JobRecord | undefined;
      let seenParams: Record<string, unknown> | undefined;
      const job = fakeJob(async ({ job: current, params }) => {
        seenWhileRunning = await d.ledger.get(current.id);
        seenParams = params;
        d.clock.advance(1500);
        return { summary: { rows: 42, metrics: ['revenue'] } };
      });

      // Act
      const finished = await executeRun(job, run, d, ROOMY);

      // Assess
      expect(seenWhileRunning?.status).toBe('running');
      expect(seenWhileRunning?.startedAt).toBe(START);
      expect(seenWhileRunning?.deadlineAt).toBe(at(10_000));
      expect(seenParams).toEqual({ day: '2026-11-22' });
      expect(finished).toEqual({
        ...run,
        status: 'succeeded',
        startedAt: START,
        deadlineAt: at(10_000),
        finishedAt: at(1500),
        durationMs: 1500,
        summary: { rows: 42, metrics: ['revenue'] },
        artifacts: [],
      });
      expect(await d.ledger.get(run.id)).toEqual(finished);
    });

    it('ends `warning` when the job reports a warning, keeping its summary, exit code and logs', async () => {
      // Prepare
      const d = deps();
      const run = await queued(d);
      const job = fakeJob(async () => ({ status: 'warning', summary: { kept: 9, dropped: 1 }, exitCode: 1, logs: 'one row dropped\n' }));

      // Act
      const finished = await executeRun(job, run, d, ROOMY);

      // Assess
      expect(finished.status).toBe('warning');
      expect(finished.summary).toEqual({ kept: 9, dropped: 1 });
      expect(finished.exitCode).toBe(1);
      expect(finished.logs).toBe('one row dropped\n');
      expect(finished.error).toBeUndefined();
      expect((await d.ledger.get(run.id))?.status).toBe('warning');
    });
  });

  describe('the recorded outcome', () => {
    it('stores the summary as plain JSON and the error as exactly {code, message}, whatever the job returned', async () => {
      // Prepare
      const d = deps();
      const run = await queued(d);
      const cause = Object.assign(new Error('3 checks failed'), { code: 'checks_failed' });
      const job = fakeJob(async () => ({
        status: 'failed',
        summary: { generatedAt: new Date('2026-11-23T12:00:00.000Z'), skipped: undefined, counts: [1, 2] },
        error: cause,
      }));

      // Act
      const finished = await executeRun(job, run, d, ROOMY);

      // Assess
      expect(finished.status).toBe('failed');
      expect(finished.summary).toEqual({ generatedAt: '2026-11-23T12:00:00.000Z', counts: [1, 2] });
      expect(finished.error).toEqual({ code: 'checks_failed', message: '3 checks failed' });
      expect(await d.ledger.get(run.id)).toEqual(finished);
    });

    it('ends `failed` with invalid_summary, instead of staying running, when the summary cannot be JSON', async () => {
      // Prepare
      const d = deps();
      const run = await queued(d);
      const job = fakeJob(async () => ({ summary: { rows: 10n } }));

      // Act
      const finished = await executeRun(job, run, d, ROOMY);

      // Assess
      expect(finished.status).toBe('failed');
      expect(finished.error).toEqual({ code: 'invalid_summary', message: "the job's summary is not JSON: Do not know how to serialize a BigInt" });
      expect(finished.summary).toBeUndefined();
    });
  });

  describe('a run that fails', () => {
    it('ends `failed` with {code, message} and no stack when the job throws', async () => {
      // Prepare
      const d = deps();
      const run = await queued(d);
      const job = fakeJob(async () => {
        d.clock.advance(250);
        throw new Error('upstream refused the export: 503');
      });

      // Act
      const finished = await executeRun(job, run, d, ROOMY);

      // Assess
      expect(finished.status).toBe('failed');
      expect(finished.error).toEqual({ code: 'internal_error', message: 'upstream refused the export: 503' });
      expect(Object.keys(finished.error ?? {}).sort()).toEqual(['code', 'message']);
      expect(JSON.stringify(await d.ledger.get(run.id))).not.toMatch(/stack|\n\s+at /);
      expect(finished.finishedAt).toBe(at(250));
      expect(finished.durationMs).toBe(250);
    });

    it('ends `failed` with invalid_params, without running the work, when the params do not parse', async () => {
      // Prepare
      const d = deps();
      const run = await queued(d, { params: { day: 20261122 } });
      let calls = 0;
      const job = fakeJob(
        async () => {
          calls += 1;
          return {};
        },
        { params: z.object({ day: z.string() }).strict() as unknown as z.ZodType<Record<string, unknown>> },
      );

      // Act
      const finished = await executeRun(job, run, d, ROOMY);

      // Assess
      expect(calls).toBe(0);
      expect(finished.status).toBe('failed');
      expect(finished.error?.code).toBe('invalid_params');
      expect(finished.error?.message).toMatch(/^day: /);
      expect(finished.startedAt).toBeUndefined();
      expect(finished.durationMs).toBe(0);
      expect(finished.finishedAt).toBe(START);
    });

    it('returns the failed record, without throwing, when a run with bad params is delivered again', async () => {
      // Prepare
      const d = deps();
      const run = await queued(d, { params: { day: 1 } });
      const job = fakeJob(async () => ({}), { params: z.object({ day: z.string() }) as unknown as z.ZodType<Record<string, unknown>> });
      const first = await executeRun(job, run, d, ROOMY);

      // Act
      const again = await executeRun(job, run, d, ROOMY);

      // Assess
      expect(first.status).toBe('failed');
      expect(again).toEqual(first);
    });
  });

  describe('the deadline', () => {
    it('times out a job that ignores its deadline promptly, with deadline_exceeded, and aborts its signal', async () => {
      // Prepare
      const d = deps();
      const run = await queued(d);
      let signal: AbortSignal | undefined;
      let workStarted = 0;
      const job = fakeJob(
        async (context) => {
          signal = context.signal;
          workStarted = Date.now();
          await sleep(2000);
          return { summary: { tooLate: true } };
        },
        { timeoutMs: 300 },
      );

      // Act
      const finished = await executeRun(job, run, d, ROOMY);
      const elapsedMs = Date.now() - workStarted;

      // Assess: 300 ms of work, then one write, not the 2 s the work would take.
      expect(elapsedMs).toBeGreaterThanOrEqual(290);
      expect(elapsedMs).toBeLessThan(1000);
      expect(finished.status).toBe('timed_out');
      expect(finished.error).toEqual({ code: 'deadline_exceeded', message: `the run passed its deadline ${at(300)}` });
      expect(finished.deadlineAt).toBe(at(300));
      expect(finished.summary).toBeUndefined();
      expect(signal?.aborted).toBe(true);
      expect(signal?.reason).toBeInstanceOf(DeadlineExceededError);
    });

    it('is the job timeout when the host has more time left', async () => {
      // Prepare
      const d = deps();
      const run = await queued(d);
      let deadline: Date | undefined;
      const job = fakeJob(
        async (context) => {
          deadline = context.deadline;
          return {};
        },
        { timeoutMs: 2000 },
      );

      // Act
      const finished = await executeRun(job, run, d, { remainingMs: 60_000, marginMs: 5_000 });

      // Assess
      expect(deadline?.toISOString()).toBe(at(2000));
      expect(finished.deadlineAt).toBe(at(2000));
    });

    it('is the remaining time minus the margin when that is shorter than the job timeout', async () => {
      // Prepare
      const d = deps();
      const run = await queued(d);
      let deadline: Date | undefined;
      const job = fakeJob(
        async (context) => {
          deadline = context.deadline;
          return {};
        },
        { timeoutMs: 10_000 },
      );

      // Act
      const finished = await executeRun(job, run, d, { remainingMs: 4000, marginMs: 1000 });

      // Assess
      expect(deadline?.toISOString()).toBe(at(3000));
      expect(finished.deadlineAt).toBe(at(3000));
      expect(finished.status).toBe('succeeded');
    });
  });

  describe('single flight', () => {
    it('skips a scheduled run while another holds the lease, pointing at the holder, and lets runs take the lease after it ends', async () => {
      // Prepare
      const d = deps();
      const lease = { lease: 'exec-single-flight', ttlMs: 60_000 };
      const release = gate();
      const ran: string[] = [];
      const job = fakeJob(
        async ({ job: current }) => {
          ran.push(current.id);
          if (ran.length === 1) await release.opened;
          return { summary: { ran: current.id } };
        },
        { singleFlight: lease },
      );
      const runA = await queued(d);
      const runB = await queued(d, { trigger: 'schedule' });
      const runC = await queued(d);

      // Act
      const finishingA = executeRun(job, runA, d, ROOMY);
      await waitFor(async () => (await d.ledger.get(runA.id))?.status === 'running');
      const skippedB = await executeRun(job, runB, d, ROOMY);
      release.open();
      const finishedA = await finishingA;
      const finishedC = await executeRun(job, runC, d, ROOMY);

      // Assess
      expect(skippedB.status).toBe('skipped');
      expect(skippedB.skippedFor).toBe(runA.id);
      expect(skippedB.summary).toEqual({ reason: 'lease_held' });
      expect(finishedA.status).toBe('succeeded');
      expect(finishedC.status).toBe('succeeded');
      expect(ran).toEqual([runA.id, runC.id]);
      expect(await rawLease(lease.lease)).toBeUndefined();
    });

    it('returns the skipped record, without throwing, when a skipped run is delivered again while the lease is held', async () => {
      // Prepare
      const d = deps();
      const lease = { lease: 'exec-skip-twice', ttlMs: 60_000 };
      const release = gate();
      const job = fakeJob(
        async () => {
          await release.opened;
          return {};
        },
        { singleFlight: lease },
      );
      const runA = await queued(d);
      const runB = await queued(d, { trigger: 'schedule' });
      const finishingA = executeRun(job, runA, d, ROOMY);
      await waitFor(async () => (await d.ledger.get(runA.id))?.status === 'running');
      const first = await executeRun(job, runB, d, ROOMY);

      // Act
      const again = await executeRun(job, runB, d, ROOMY);

      // Assess
      release.open();
      await finishingA;
      expect(first.status).toBe('skipped');
      expect(again).toEqual(first);
    });

    it('leaves a run started by hand queued behind the holder instead of skipping it, and asks for another try', async () => {
      // Prepare
      const d = deps();
      const invoker = new DelayRecordingInvoker();
      d.invoker = invoker;
      const lease = { lease: 'exec-manual-waits', ttlMs: 60_000 };
      const release = gate();
      const job = fakeJob(
        async () => {
          await release.opened;
          return {};
        },
        { singleFlight: lease },
      );
      const runA = await queued(d);
      const manual = await queued(d, { trigger: 'api' });
      const finishingA = executeRun(job, runA, d, ROOMY);
      await waitFor(async () => (await d.ledger.get(runA.id))?.status === 'running');

      // Act
      const waiting = await executeRun(job, manual, d, ROOMY);
      release.open();
      await finishingA;
      const ran = await executeRun(job, waiting, d, ROOMY);

      // Assess
      expect(waiting).toMatchObject({ status: 'queued', waitingFor: runA.id, waits: 1 });
      expect(invoker.calls).toEqual([{ invocation: { type: 'sweeper', jobId: manual.id, trigger: 'api', triggeredBy: 'test' }, delaySeconds: 5 }]);
      expect(ran).toMatchObject({ status: 'succeeded', waitingFor: runA.id, waits: 1 });
    });

    it('releases the lease after the run fails', async () => {
      // Prepare
      const d = deps();
      const lease = { lease: 'exec-release-on-failure', ttlMs: 60_000 };
      const failing = fakeJob(
        async () => {
          throw new Error('disk full');
        },
        { singleFlight: lease },
      );
      const succeeding = fakeJob(async () => ({ summary: { ok: true } }), { singleFlight: lease });
      const runA = await queued(d);
      const runB = await queued(d);

      // Act
      const failed = await executeRun(failing, runA, d, ROOMY);
      const leaseAfterFailure = await rawLease(lease.lease);
      const next = await executeRun(succeeding, runB, d, ROOMY);

      // Assess
      expect(failed.status).toBe('failed');
      expect(leaseAfterFailure).toBeUndefined();
      expect(next.status).toBe('succeeded');
    });

    it('releases the lease after the run times out', async () => {
      // Prepare
      const d = deps();
      const lease = { lease: 'exec-release-on-timeout', ttlMs: 60_000 };
      const slow = fakeJob(async () => sleep(1000).then(() => ({})), { singleFlight: lease, timeoutMs: 100 });
      const runA = await queued(d);

      // Act
      const finished = await executeRun(slow, runA, d, ROOMY);

      // Assess
      expect(finished.status).toBe('timed_out');
      expect(await rawLease(lease.lease)).toBeUndefined();
    });

    it('aborts the run and records lease_lost when its lease is taken over', async () => {
      // Prepare
      const d = deps();
      const lease = { lease: 'exec-lease-lost', ttlMs: 1500 };
      let signal: AbortSignal | undefined;
      const job = fakeJob(
        async (context) => {
          signal = context.signal;
          // The lease expires (on the fake clock) and another worker takes it before the first renewal.
          d.clock.advance(2000);
          await d.leases.acquire(lease.lease, 'intruder', 60_000);
          await sleep(5000);
          return {};
        },
        { singleFlight: lease },
      );
      const run = await queued(d);

      // Act
      const started = Date.now();
      const finished = await executeRun(job, run, d, ROOMY);
      const elapsedMs = Date.now() - started;

      // Assess
      expect(elapsedMs).toBeLessThan(3000);
      expect(finished.status).toBe('failed');
      expect(finished.error).toEqual({ code: 'lease_lost', message: `lease ${lease.lease} is not held by ${run.id}` });
      expect(signal?.reason).toBeInstanceOf(LeaseLostError);
      expect((await rawLease(lease.lease))?.['owner']).toBe('intruder');
    });
  });

  describe('duplicate deliveries', () => {
    it('runs the work exactly once when the same queued run is executed twice concurrently', async () => {
      // Prepare
      const d = deps();
      const run = await queued(d);
      let calls = 0;
      const job = fakeJob(async () => {
        calls += 1;
        await sleep(200);
        return { summary: { calls } };
      });

      // Act
      const results = await Promise.all([executeRun(job, run, d, ROOMY), executeRun(job, run, d, ROOMY)]);

      // Assess
      expect(calls).toBe(1);
      expect(results.map((r) => r.id)).toEqual([run.id, run.id]);
      expect(results.filter((r) => r.status === 'succeeded')).toHaveLength(1);
      const stored = await d.ledger.get(run.id);
      expect(stored?.status).toBe('succeeded');
      expect(stored?.summary).toEqual({ calls: 1 });
    });

    it('does not release the lease of the delivery that is running when a single-flight run is delivered twice', async () => {
      // Prepare
      const d = deps();
      const lease = { lease: 'exec-duplicate-lease', ttlMs: 60_000 };
      const release = gate();
      let calls = 0;
      const job = fakeJob(
        async () => {
          calls += 1;
          await release.opened;
          return {};
        },
        { singleFlight: lease },
      );
      const runA = await queued(d);
      const runC = await queued(d, { trigger: 'schedule' });
      const finishingA = executeRun(job, runA, d, ROOMY);
      await waitFor(async () => (await d.ledger.get(runA.id))?.status === 'running');

      // Act
      const duplicate = await executeRun(job, runA, d, ROOMY);
      const leaseAfterDuplicate = await rawLease(lease.lease);
      const other = await executeRun(job, runC, d, ROOMY);

      // Assess
      release.open();
      const finishedA = await finishingA;
      expect(duplicate.status).toBe('running');
      expect(leaseAfterDuplicate?.['owner']).toBe(runA.id);
      expect(other.status).toBe('skipped');
      expect(other.skippedFor).toBe(runA.id);
      expect(calls).toBe(1);
      expect(finishedA.status).toBe('succeeded');
      expect(await rawLease(lease.lease)).toBeUndefined();
    });

    it('does nothing for a run that already ended', async () => {
      // Prepare
      const d = deps();
      const run = await queued(d);
      let calls = 0;
      const job = fakeJob(async () => {
        calls += 1;
        return { summary: { n: calls } };
      });
      const first = await executeRun(job, run, d, ROOMY);

      // Act
      const late = await executeRun(job, run, d, ROOMY);

      // Assess
      expect(calls).toBe(1);
      expect(late).toEqual(first);
    });
  });

  describe('artifacts', () => {
    it('records what the job wrote with size and content type, readable from the bucket', async () => {
      // Prepare
      const d = deps();
      const run = await queued(d);
      const csv = 'day,orders\n2026-11-22,42\ncafé,1\n';
      const bytes = Uint8Array.from({ length: 300 }, (_, i) => i % 256);
      const job = fakeJob(async ({ artifacts }: JobContext<Record<string, unknown>>): Promise<JobOutcome> => {
        await artifacts.put('report.csv', 'draft', 'text/csv');
        await artifacts.put('report.csv', csv, 'text/csv');
        await artifacts.put('blob.bin', bytes, 'application/octet-stream', { key: `custom/${run.id}.bin` });
        return { summary: { files: 2 } };
      });

      // Act
      const finished = await executeRun(job, run, d, ROOMY);

      // Assess
      expect(finished.artifacts).toEqual([
        { name: 'report.csv', key: `runs/sweeper/${run.id}/report.csv`, size: Buffer.byteLength(csv, 'utf8'), contentType: 'text/csv' },
        { name: 'blob.bin', key: `custom/${run.id}.bin`, size: 300, contentType: 'application/octet-stream' },
      ]);
      expect(await storage.artifactStore.getText(`runs/sweeper/${run.id}/report.csv`)).toBe(csv);
      expect((await d.ledger.get(run.id))?.artifacts).toEqual(finished.artifacts);
    });

    it('keeps the artifacts written before a failure on the failed record', async () => {
      // Prepare
      const d = deps();
      const run = await queued(d);
      const job = fakeJob(async ({ artifacts }) => {
        await artifacts.put('partial.log', 'line 1\n', 'text/plain');
        throw new Error('crashed after the first file');
      });

      // Act
      const finished = await executeRun(job, run, d, ROOMY);

      // Assess
      expect(finished.status).toBe('failed');
      expect(finished.artifacts).toEqual([{ name: 'partial.log', key: `runs/sweeper/${run.id}/partial.log`, size: 7, contentType: 'text/plain' }]);
    });
  });
});

/** Polls `condition` until it holds (for states reached by work started in the background). */
async function waitFor(condition: () => Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > until) throw new Error('condition not reached in time');
    await sleep(20);
  }
}
