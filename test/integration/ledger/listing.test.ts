import { PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { ulid } from 'ulid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InvalidCursorError } from '../../../functions/adapters/dynamodb/job-listing';
import { JOBS_BY_TYPE_INDEX } from '../../../functions/adapters/dynamodb/tables';
import type { JobType } from '../../../functions/core/jobs/job-types';
import type { JobLedger, JobPage, JobQuery } from '../../../functions/core/jobs/ports';
import type { JobRecord } from '../../../functions/core/jobs/record';
import type { JobStatus } from '../../../functions/core/jobs/states';
import { FakeClock } from '../../helpers/clock';
import { newJob, testDependencies } from '../../helpers/jobs';
import { createTestStorage, type TestStorage } from '../../helpers/storage';

/** Newest first by `createdAt`, then by id: the order the listing promises. */
function newestFirst(a: JobRecord, b: JobRecord): number {
  if (a.createdAt !== b.createdAt) return a.createdAt < b.createdAt ? 1 : -1;
  return a.id < b.id ? 1 : -1;
}

/**
 * `count` creation times, oldest first, one second apart, except that each `[start, size]` tie
 * makes runs start…start+size−1 share one `createdAt`.
 */
function timeline(clock: FakeClock, count: number, ties: readonly (readonly [number, number])[]): string[] {
  const times: string[] = [];
  for (let k = 0; k < count; k += 1) {
    if (!ties.some(([start, size]) => k > start && k < start + size)) clock.advance(1000);
    times.push(clock.now().toISOString());
  }
  return times;
}

/** A fixed permutation, so runs sharing a `createdAt` are not written in id order. */
function shuffled<T>(items: readonly T[]): T[] {
  const copy = [...items];
  let state = 0x5eed;
  for (let index = copy.length - 1; index > 0; index -= 1) {
    state = (state * 1103515245 + 12345) >>> 0;
    const other = state % (index + 1);
    [copy[index], copy[other]] = [copy[other]!, copy[index]!];
  }
  return copy;
}

async function inBatches<T>(items: readonly T[], size: number, write: (item: T) => Promise<unknown>): Promise<void> {
  for (let start = 0; start < items.length; start += size) {
    await Promise.all(items.slice(start, start + size).map(write));
  }
}

/** Follows `nextCursor` to the end and returns every page. */
async function allPages(ledger: JobLedger, query: Omit<JobQuery, 'cursor'>): Promise<JobPage[]> {
  const pages: JobPage[] = [];
  let cursor: string | undefined;
  do {
    const page = await ledger.list(cursor === undefined ? query : { ...query, cursor });
    pages.push(page);
    cursor = page.nextCursor;
    if (pages.length > 500) throw new Error('the listing never ends');
  } while (cursor !== undefined);
  return pages;
}

/** The sizes pages must have: full ones, then the remainder. */
function fullPages(total: number, limit: number): number[] {
  const sizes = Array.from({ length: Math.floor(total / limit) }, () => limit);
  return total % limit === 0 && total > 0 ? sizes : [...sizes, total % limit];
}

describe('DynamoDbJobLedger.list', () => {
  describe('one type', () => {
    let storage: TestStorage;
    let ledger: JobLedger;
    const clock = new FakeClock('2026-10-01T00:00:00.000Z');
    // Oldest first; newest-first positions 95–104 and 193–204 straddle the page boundaries of limit 100.
    const ties = [[30, 4], [45, 12], [100, 3], [145, 10], [247, 3]] as const;
    let sweeperRuns: JobRecord[];
    let bigRuns: JobRecord[];

    beforeAll(async () => {
      storage = await createTestStorage('ledger-listing-type');
      ledger = testDependencies(storage, { clock }).ledger;
      const created = timeline(clock, 250, ties).map((createdAt) =>
        newJob({ type: 'sweeper', id: ulid(Date.parse(createdAt)), createdAt, trigger: 'schedule' }, clock),
      );
      sweeperRuns = [];
      await inBatches(shuffled(created), 50, async (job) => sweeperRuns.push(await ledger.enqueue(job)));
      sweeperRuns.sort(newestFirst);

      // ~4.2 KB per record, 400 records: well past the 1 MB a single Query returns.
      const bigTimes = timeline(clock, 400, [[10, 5], [250, 6]]);
      bigRuns = bigTimes.map((createdAt, index) => ({
        ...newJob({ type: 'snapshot', id: ulid(Date.parse(createdAt)), createdAt }, clock),
        status: 'succeeded',
        artifacts: [],
        logs: `${String(index).padStart(4, '0')}:${'x'.repeat(4091)}`,
      }));
      await inBatches(shuffled(bigRuns), 50, (record) =>
        storage.documentClient.send(new PutCommand({ TableName: storage.names.jobsTable, Item: record })),
      );
      bigRuns.sort(newestFirst);
    }, 60_000);

    afterAll(async () => {
      await storage.destroy();
    });

    it.each([100, 7, 250, 1000])('pages 250 runs of one type by limit %i, newest first, without repeats or gaps', async (limit) => {
      // Act
      const pages = await allPages(ledger, { type: 'sweeper', limit });

      // Assess
      expect(pages.map((page) => page.items.length)).toEqual(fullPages(250, limit));
      expect(pages.flatMap((page) => page.items)).toEqual(sweeperRuns);
    });

    it('orders runs that share a createdAt by id, across a page boundary', async () => {
      // Prepare
      const tiedAt = sweeperRuns[100]!.createdAt;
      const tied = sweeperRuns.filter((run) => run.createdAt === tiedAt).map((run) => run.id);

      // Act
      const first = await ledger.list({ type: 'sweeper', limit: 100 });
      const second = await ledger.list({ type: 'sweeper', limit: 100, cursor: first.nextCursor });

      // Assess
      expect(tied).toHaveLength(10);
      expect(tied).toEqual([...tied].sort().reverse());
      expect([...first.items, ...second.items].filter((run) => run.createdAt === tiedAt).map((run) => run.id)).toEqual(tied);
      expect(first.items.at(-1)?.createdAt).toBe(tiedAt);
      expect(second.items[0]?.createdAt).toBe(tiedAt);
    });

    it.each([100, 300])('pages 400 runs of ~4 KB each past the 1 MB Query page by limit %i', async (limit) => {
      // Prepare
      const raw = await storage.documentClient.send(
        new QueryCommand({
          TableName: storage.names.jobsTable,
          IndexName: JOBS_BY_TYPE_INDEX,
          KeyConditionExpression: '#type = :type',
          ExpressionAttributeNames: { '#type': 'type' },
          ExpressionAttributeValues: { ':type': 'snapshot' },
          ScanIndexForward: false,
        }),
      );

      // Act
      const pages = await allPages(ledger, { type: 'snapshot', limit });

      // Assess
      // The premise: one Query stops at 1 MB, well short of the 400 runs.
      expect(raw.Count).toBeLessThan(300);
      expect(raw.LastEvaluatedKey).toBeDefined();
      expect(pages.map((page) => page.items.length)).toEqual(fullPages(400, limit));
      const listed = pages.flatMap((page) => page.items);
      expect(listed.map((run) => run.id)).toEqual(bigRuns.map((run) => run.id));
      expect(listed.map((run) => run.logs)).toEqual(bigRuns.map((run) => run.logs));
    });

    it.each([
      { bounds: 'since and until', since: 45, until: 145, limit: 10 },
      { bounds: 'since only', since: 200, until: undefined, limit: 15 },
      { bounds: 'until only', since: undefined, until: 33, limit: 100 },
      { bounds: 'since = until', since: 150, until: 150, limit: 4 },
    ])('keeps to $bounds bounds, both inclusive, whole tie groups included', async ({ since, until, limit }) => {
      // Prepare
      const oldestFirst = [...sweeperRuns].reverse();
      const sinceAt = since === undefined ? undefined : oldestFirst[since]!.createdAt;
      const untilAt = until === undefined ? undefined : oldestFirst[until]!.createdAt;
      const expected = sweeperRuns.filter(
        (run) => (sinceAt === undefined || run.createdAt >= sinceAt) && (untilAt === undefined || run.createdAt <= untilAt),
      );

      // Act
      const pages = await allPages(ledger, {
        type: 'sweeper',
        limit,
        ...(sinceAt === undefined ? {} : { since: sinceAt }),
        ...(untilAt === undefined ? {} : { until: untilAt }),
      });

      // Assess
      expect(pages.flatMap((page) => page.items)).toEqual(expected);
      expect(pages.map((page) => page.items.length)).toEqual(fullPages(expected.length, limit));
      if (sinceAt !== undefined) expect(expected.at(-1)?.createdAt).toBe(sinceAt);
      if (untilAt !== undefined) expect(expected[0]?.createdAt).toBe(untilAt);
    });

    it('returns an empty page without a cursor when nothing matches', async () => {
      // Act
      const page = await ledger.list({ type: 'rollup', limit: 10 });
      const outOfRange = await ledger.list({ type: 'sweeper', limit: 10, since: '2030-01-01T00:00:00.000Z' });

      // Assess
      expect(page).toEqual({ items: [] });
      expect(outOfRange).toEqual({ items: [] });
    });

    describe('cursors', () => {
      const encode = (value: unknown): string => Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');
      const decode = (cursor: string): unknown[] => JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown[];

      it.each([
        { tampering: 'not base64 JSON at all', tamper: (): string => 'not a cursor!' },
        { tampering: 'cut in half', tamper: (cursor: string): string => cursor.slice(0, Math.floor(cursor.length / 2)) },
        { tampering: 'not an array', tamper: (): string => encode({ createdAt: '2026-10-01T00:00:00.000Z', id: 'x' }) },
        { tampering: 'one position too many', tamper: (cursor: string): string => encode([...decode(cursor), null]) },
        { tampering: 'an extra key in a position', tamper: (cursor: string): string => encode(decode(cursor).map((p) => ({ ...(p as object), type: 'rollup' }))) },
        { tampering: 'a numeric id', tamper: (cursor: string): string => encode(decode(cursor).map((p) => ({ ...(p as object), id: 42 }))) },
        { tampering: 'a position that is a string', tamper: (): string => encode(['01JZZZZZZZZZZZZZZZZZZZZZZZ']) },
      ])('throws InvalidCursorError (invalid_cursor) for a cursor $tampering', async ({ tamper }) => {
        // Prepare
        const first = await ledger.list({ type: 'sweeper', limit: 10 });
        const cursor = tamper(first.nextCursor!);

        // Act
        const outcome = await ledger.list({ type: 'sweeper', limit: 10, cursor }).catch((thrown: unknown) => thrown);

        // Assess
        expect(outcome).toBeInstanceOf(InvalidCursorError);
        expect(outcome).toMatchObject({ code: 'invalid_cursor' });
      });

      it('throws InvalidCursorError for a merged-listing cursor used on a one-type listing', async () => {
        // Prepare
        const merged = await ledger.list({ limit: 10 });

        // Act
        const outcome = await ledger.list({ type: 'sweeper', limit: 10, cursor: merged.nextCursor! }).catch((thrown: unknown) => thrown);

        // Assess
        expect(merged.nextCursor).toBeDefined();
        expect(outcome).toBeInstanceOf(InvalidCursorError);
      });

      // Last in this block: it adds a run the expectations above do not know about.
      it('does not show runs created after the first page on later pages', async () => {
        // Prepare
        const first = await ledger.list({ type: 'sweeper', limit: 100 });
        const late = newJob({ type: 'sweeper', createdAt: '2027-01-01T00:00:00.000Z' }, clock);
        await ledger.enqueue(late);

        // Act
        const rest = await ledger.list({ type: 'sweeper', limit: 200, cursor: first.nextCursor! });
        const newest = await ledger.list({ type: 'sweeper', limit: 1 });

        // Assess
        expect([...first.items, ...rest.items]).toEqual(sweeperRuns);
        expect(rest.nextCursor).toBeUndefined();
        expect(newest.items.map((run) => run.id)).toEqual([late.id]);
      });
    });
  });

  describe('several types and statuses', () => {
    let storage: TestStorage;
    let ledger: JobLedger;
    const clock = new FakeClock('2026-09-01T00:00:00.000Z');
    const types: JobType[] = ['sweeper', 'rollup', 'snapshot', 'export'];
    const paths: readonly (readonly JobStatus[])[] = [[], ['running'], ['running', 'succeeded'], ['running', 'failed'], ['skipped'], ['running', 'succeeded']];
    let runs: JobRecord[];

    beforeAll(async () => {
      storage = await createTestStorage('ledger-listing-merged');
      ledger = testDependencies(storage, { clock }).ledger;
      // Ties of 3–6 runs share a createdAt across different types.
      const times = timeline(clock, 170, [[0, 4], [20, 5], [41, 6], [77, 3], [100, 6], [150, 4]]);
      const jobs = times.map((createdAt, k) => newJob({ type: types[(k * 7 + Math.floor(k / 5)) % 4]!, id: ulid(Date.parse(createdAt)), createdAt }, clock));
      await inBatches(shuffled(jobs.map((job, k) => ({ job, path: paths[k % paths.length]! }))), 40, async ({ job, path }) => {
        await ledger.enqueue(job);
        let from: JobStatus = 'queued';
        for (const to of path) {
          await ledger.transition(job, [from], to, {});
          from = to;
        }
      });
      runs = (await Promise.all(jobs.map((job) => ledger.get(job.id)))).map((run) => run!).sort(newestFirst);
    }, 60_000);

    afterAll(async () => {
      await storage.destroy();
    });

    it.each([25, 7, 100, 170, 500])('merges every type into one newest-first order with limit %i', async (limit) => {
      // Act
      const pages = await allPages(ledger, { limit });

      // Assess
      expect(new Set(runs.map((run) => run.type))).toEqual(new Set(types));
      expect(pages.map((page) => page.items.length)).toEqual(fullPages(170, limit));
      expect(pages.flatMap((page) => page.items)).toEqual(runs);
    });

    it.each([
      { type: 'rollup', status: 'failed', limit: 3 },
      { type: 'export', status: 'succeeded', limit: 4 },
      { type: 'snapshot', status: 'queued', limit: 50 },
      { type: 'sweeper', status: 'warning', limit: 5 },
    ] as const)('filters $type runs by status $status, paging by $limit', async ({ type, status, limit }) => {
      // Prepare
      const expected = runs.filter((run) => run.type === type && run.status === status);

      // Act
      const pages = await allPages(ledger, { type, status, limit });

      // Assess
      expect(pages.flatMap((page) => page.items)).toEqual(expected);
      expect(pages.map((page) => page.items.length)).toEqual(fullPages(expected.length, limit));
      // No sweeper run ever warns: a filter that matches nothing gives one empty page.
      if (status === 'warning') expect(pages).toEqual([{ items: [] }]);
      else expect(expected.length).toBeGreaterThan(2);
    });

    it.each([
      { status: 'running', limit: 6 },
      { status: 'skipped', limit: 100 },
    ] as const)('lists every type in status $status through the status index, paging by $limit', async ({ status, limit }) => {
      // Prepare
      const expected = runs.filter((run) => run.status === status);

      // Act
      const pages = await allPages(ledger, { status, limit });

      // Assess
      expect(new Set(expected.map((run) => run.type)).size).toBeGreaterThan(1);
      expect(pages.flatMap((page) => page.items)).toEqual(expected);
      expect(pages.map((page) => page.items.length)).toEqual(fullPages(expected.length, limit));
    });

    it('merges with since/until bounds across types', async () => {
      // Prepare
      const since = runs[120]!.createdAt;
      const until = runs[30]!.createdAt;
      const expected = runs.filter((run) => run.createdAt >= since && run.createdAt <= until);

      // Act
      const pages = await allPages(ledger, { since, until, limit: 9 });

      // Assess
      expect(expected.length).toBeGreaterThan(90);
      expect(pages.flatMap((page) => page.items)).toEqual(expected);
    });

    it('throws InvalidCursorError for a one-type cursor used on a merged listing', async () => {
      // Prepare
      const single = await ledger.list({ type: 'rollup', limit: 5 });

      // Act
      const outcome = await ledger.list({ limit: 5, cursor: single.nextCursor! }).catch((thrown: unknown) => thrown);

      // Assess
      expect(outcome).toBeInstanceOf(InvalidCursorError);
      expect(outcome).toMatchObject({ code: 'invalid_cursor' });
    });
  });
});
