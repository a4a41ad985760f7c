import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IllegalTransitionError, JobNotFoundError } from '../../../functions/core/jobs/errors';
import type { JobLedger } from '../../../functions/core/jobs/ports';
import type { JobPatch, NewJob } from '../../../functions/core/jobs/record';
import type { JobStatus } from '../../../functions/core/jobs/states';
import { FakeClock } from '../../helpers/clock';
import { newJob, testDependencies } from '../../helpers/jobs';
import { createTestStorage, type TestStorage } from '../../helpers/storage';

describe('DynamoDbJobLedger.transition', () => {
  let storage: TestStorage;
  let ledger: JobLedger;
  const clock = new FakeClock('2026-11-23T09:00:00.000Z');

  function job(overrides: Partial<NewJob> = {}): NewJob {
    clock.advance(1);
    return newJob(overrides, clock);
  }

  async function enqueuedIn(path: readonly JobStatus[], overrides: Partial<NewJob> = {}): Promise<NewJob> {
    const created = job(overrides);
    await ledger.enqueue(created);
    let from: JobStatus = 'queued';
    for (const to of path) {
      await ledger.transition(created, [from], to, {});
      from = to;
    }
    return created;
  }

  async function rawItem(id: string): Promise<Record<string, unknown> | undefined> {
    const { Item } = await storage.documentClient.send(
      new GetCommand({ TableName: storage.names.jobsTable, Key: { id }, ConsistentRead: true }),
    );
    return Item;
  }

  beforeAll(async () => {
    storage = await createTestStorage('ledger-transitions');
    ledger = testDependencies(storage, { clock }).ledger;
  });

  afterAll(async () => {
    await storage.destroy();
  });

  it('moves a run queued → running → succeeded and stores every patch field', async () => {
    // Prepare
    const created = job({ type: 'export', params: { format: 'csv', days: 7 }, triggeredBy: 'token:reports' });
    await ledger.enqueue(created);
    const start: JobPatch = { startedAt: '2026-11-23T09:00:01.000Z', deadlineAt: '2026-11-23T09:15:01.000Z' };
    const finish: JobPatch = {
      finishedAt: '2026-11-23T09:00:04.250Z',
      durationMs: 3250,
      summary: { rows: 1234, checks: { totals: 'ok' } },
      exitCode: 0,
      artifacts: [{ name: 'export.csv', key: `runs/${created.id}/export.csv`, size: 52_001, contentType: 'text/csv' }],
      logs: 'exported 1234 rows\n',
    };

    // Act
    const running = await ledger.transition(created, ['queued'], 'running', start);
    const succeeded = await ledger.transition(created, ['running'], 'succeeded', finish);
    const stored = await ledger.get(created.id);

    // Assess
    expect(running).toEqual({ ...created, status: 'running', artifacts: [], ...start });
    expect(succeeded).toEqual({ ...created, status: 'succeeded', ...start, ...finish });
    expect(stored).toEqual(succeeded);
  });

  it('ignores undefined patch fields instead of erasing what is stored', async () => {
    // Prepare
    const created = await enqueuedIn([]);
    await ledger.transition(created, ['queued'], 'running', { startedAt: '2026-11-23T09:00:01.000Z' });

    // Act
    const failed = await ledger.transition(created, ['running'], 'failed', {
      startedAt: undefined,
      error: { code: 'source_unavailable', message: 'the events bucket did not answer' },
    });

    // Assess
    expect(failed).toEqual({
      ...created,
      status: 'failed',
      artifacts: [],
      startedAt: '2026-11-23T09:00:01.000Z',
      error: { code: 'source_unavailable', message: 'the events bucket did not answer' },
    });
  });

  describe('illegal transitions', () => {
    it.each([
      { current: 'succeeded', path: ['running', 'succeeded'], from: ['queued'], to: 'running' },
      { current: 'running', path: ['running'], from: ['succeeded'], to: 'running' },
      { current: 'running', path: ['running'], from: ['queued'], to: 'running' },
      { current: 'failed', path: ['running', 'failed'], from: ['running'], to: 'succeeded' },
      { current: 'timed_out', path: ['timed_out'], from: ['queued', 'running'], to: 'failed' },
      { current: 'skipped', path: ['skipped'], from: ['queued'], to: 'running' },
      { current: 'queued', path: [], from: ['running'], to: 'succeeded' },
    ] as const)('refuses $from → $to on a $current run, reporting $current as actual', async ({ current, path, from, to }) => {
      // Prepare
      const created = await enqueuedIn(path);
      const before = await ledger.get(created.id);

      // Act
      const outcome = await ledger.transition(created, from, to, { summary: { late: true } }).catch((thrown: unknown) => thrown);
      const after = await ledger.get(created.id);

      // Assess
      expect(outcome).toBeInstanceOf(IllegalTransitionError);
      expect(outcome).toMatchObject({ code: 'illegal_transition', jobId: created.id, to, actual: current });
      expect(before?.status).toBe(current);
      expect(after).toEqual(before);
    });

    it.each([
      { current: 'succeeded', path: ['running', 'succeeded'], to: 'failed', period: '2026-10-11' },
      { current: 'running', path: ['running'], to: 'queued', period: '2026-10-12' },
      { current: 'skipped', path: ['skipped'], to: 'running', period: '2026-10-13' },
      { current: 'timed_out', path: ['running', 'timed_out'], to: 'succeeded', period: '2026-10-14' },
    ] as const)('refuses a move states.ts does not allow ($current → $to) even from the state the run is in, writing nothing', async ({ current, path, to, period }) => {
      // Prepare
      const created = { ...job({ type: 'rollup' }), period };
      await ledger.claimPeriod(created, 'first');
      let from: JobStatus = 'queued';
      for (const step of path) {
        await ledger.transition(created, [from], step, {});
        from = step;
      }
      const before = await ledger.get(created.id);
      const claimBefore = await rawItem(`period#rollup#${created.period}`);

      // Act
      const outcome = await ledger.transition(created, [current], to, { summary: { backwards: true } }).catch((thrown: unknown) => thrown);

      // Assess
      expect(outcome).toBeInstanceOf(IllegalTransitionError);
      expect(outcome).toMatchObject({ code: 'illegal_transition', jobId: created.id, to, actual: current });
      expect(await ledger.get(created.id)).toEqual(before);
      expect(await rawItem(`period#rollup#${created.period}`)).toEqual(claimBefore);
    });

    it('refuses an illegal move of a period run with the run status as actual and leaves its claim alone', async () => {
      // Prepare
      const created = { ...job({ type: 'rollup' }), period: '2026-11-20' };
      await ledger.claimPeriod(created, 'first');
      await ledger.transition(created, ['queued'], 'running', {});
      await ledger.transition(created, ['running'], 'succeeded', {});

      // Act
      const outcome = await ledger.transition(created, ['queued'], 'running', {}).catch((thrown: unknown) => thrown);
      const claim = await rawItem(`period#rollup#2026-11-20`);

      // Assess
      expect(outcome).toBeInstanceOf(IllegalTransitionError);
      expect(outcome).toMatchObject({ jobId: created.id, to: 'running', actual: 'succeeded' });
      expect(claim).toMatchObject({ jobId: created.id, jobStatus: 'succeeded' });
    });
  });

  describe('racing finishes', () => {
    it('lets exactly one of 20 concurrent running → succeeded/failed moves win', async () => {
      // Prepare
      const created = await enqueuedIn(['running']);
      const moves = Array.from({ length: 20 }, (_, index) => ({
        to: (index % 2 === 0 ? 'succeeded' : 'failed') as JobStatus,
        patch: { summary: { attempt: index } } satisfies JobPatch,
      }));

      // Act
      const outcomes = await Promise.allSettled(moves.map((move) => ledger.transition(created, ['running'], move.to, move.patch)));
      const stored = await ledger.get(created.id);

      // Assess
      const won = outcomes.flatMap((outcome, index) => (outcome.status === 'fulfilled' ? [index] : []));
      expect(won).toHaveLength(1);
      const winner = moves[won[0]!]!;
      expect(stored).toMatchObject({ status: winner.to, summary: winner.patch.summary });
      for (const outcome of outcomes) {
        if (outcome.status === 'rejected') {
          expect(outcome.reason).toBeInstanceOf(IllegalTransitionError);
          expect(outcome.reason).toMatchObject({ jobId: created.id, actual: winner.to });
        }
      }
    });

    it('lets exactly one of 20 concurrent finishes of a period run win, and its claim mirrors the winner', async () => {
      // Prepare
      const created = { ...job({ type: 'snapshot', trigger: 'schedule' }), period: '2026-W47' };
      await ledger.claimPeriod(created, 'first');
      await ledger.transition(created, ['queued'], 'running', {});
      const moves = Array.from({ length: 20 }, (_, index) => ({
        to: (index % 2 === 0 ? 'failed' : 'succeeded') as JobStatus,
        patch: { exitCode: index } satisfies JobPatch,
      }));

      // Act
      const outcomes = await Promise.allSettled(moves.map((move) => ledger.transition(created, ['running'], move.to, move.patch)));
      const stored = await ledger.get(created.id);
      const states = await ledger.periodStates('snapshot', ['2026-W47']);

      // Assess
      const won = outcomes.flatMap((outcome, index) => (outcome.status === 'fulfilled' ? [index] : []));
      expect(won).toHaveLength(1);
      const winner = moves[won[0]!]!;
      expect(stored).toMatchObject({ status: winner.to, exitCode: winner.patch.exitCode });
      expect(states.get('2026-W47')).toEqual({ jobId: created.id, status: winner.to, trigger: 'schedule' });
      for (const outcome of outcomes) {
        if (outcome.status === 'rejected') expect(outcome.reason).toMatchObject({ name: 'IllegalTransitionError', actual: winner.to });
      }
    });
  });

  describe('unknown runs', () => {
    it.each([
      { kind: 'a run without a period', key: { id: '01JZZZZZZZZZZZZZZZZZZZZZZZ', type: 'sweeper' } },
      { kind: 'a period run', key: { id: '01JZZZZZZZZZZZZZZZZZZZZZZY', type: 'rollup', period: '2026-11-22' } },
    ] as const)('throws JobNotFoundError for $kind', async ({ key }) => {
      // Act
      const outcome = await ledger.transition(key, ['queued'], 'running', {}).catch((thrown: unknown) => thrown);
      const stored = await rawItem(key.id);

      // Assess
      expect(outcome).toBeInstanceOf(JobNotFoundError);
      expect(outcome).toMatchObject({ code: 'job_not_found', jobId: key.id });
      expect(stored).toBeUndefined();
    });
  });

  describe('stored shape', () => {
    it('keeps flat attributes and expiresAt as epoch seconds, readable with a raw GetItem', async () => {
      // Prepare
      const created = job({ type: 'script-run', params: { script: 'audit.py' }, expiresAt: 1_800_000_123 });
      await ledger.enqueue(created);

      // Act
      await ledger.transition(created, ['queued'], 'running', { startedAt: '2026-11-23T09:00:02.000Z', deadlineAt: '2026-11-23T09:05:02.000Z' });
      const document = await rawItem(created.id);
      const { Item: attributes } = await storage.dynamodbClient.send(
        new GetItemCommand({ TableName: storage.names.jobsTable, Key: { id: { S: created.id } }, ConsistentRead: true }),
      );

      // Assess
      expect(document).toEqual({
        id: created.id,
        type: 'script-run',
        status: 'running',
        trigger: 'api',
        params: { script: 'audit.py' },
        createdAt: created.createdAt,
        startedAt: '2026-11-23T09:00:02.000Z',
        deadlineAt: '2026-11-23T09:05:02.000Z',
        artifacts: [],
        triggeredBy: 'test',
        expiresAt: 1_800_000_123,
      });
      expect(attributes).toMatchObject({
        status: { S: 'running' },
        type: { S: 'script-run' },
        createdAt: { S: created.createdAt },
        expiresAt: { N: '1800000123' },
        params: { M: { script: { S: 'audit.py' } } },
      });
    });

    it('moves the claim item of a period run with the run', async () => {
      // Prepare
      const created = { ...job({ type: 'rollup', trigger: 'catch-up', expiresAt: 1_790_000_000 }), period: '2026-11-19' };
      await ledger.claimPeriod(created, 'first');
      const claimAfterClaim = await rawItem('period#rollup#2026-11-19');

      // Act
      await ledger.transition(created, ['queued'], 'running', {});
      const claimWhileRunning = await rawItem('period#rollup#2026-11-19');
      await ledger.transition(created, ['running'], 'warning', { exitCode: 1 });
      const claimAfterFinish = await rawItem('period#rollup#2026-11-19');

      // Assess
      const claim = { id: 'period#rollup#2026-11-19', jobType: 'rollup', period: '2026-11-19', jobId: created.id, trigger: 'catch-up', expiresAt: 1_790_000_000 };
      expect(claimAfterClaim).toEqual({ ...claim, jobStatus: 'queued', updatedAt: created.createdAt });
      expect(claimWhileRunning).toMatchObject({ ...claim, jobStatus: 'running' });
      expect(claimAfterFinish).toMatchObject({ ...claim, jobStatus: 'warning' });
      expect(claimAfterFinish?.['createdAt']).toBeUndefined();
    });
  });
});
