import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { testApi, type ApiAnswer, type ApiCall, type TestApi } from '../../helpers/api';
import { jobCatalog } from '../../../functions/catalog';
import { formatLocalTimeNamed } from '../../../functions/core/time/display';
import type { JobLedger } from '../../../functions/core/jobs/ports';
import type { JobRecord } from '../../../functions/core/jobs/record';
import { FakeClock } from '../../helpers/clock';
import { newJob, RecordingInvoker, testConfig, testDependencies } from '../../helpers/jobs';
import { createTestStorage, type TestStorage } from '../../helpers/storage';

const ADMIN_TOKEN = 'api-test-admin-7c41';
const READ_TOKEN = 'api-test-read-52e9';
const ULID = /^[0-9A-HJKMNP-TV-Z]{26}$/;
/** The job types this build ships, as error messages list them (the catalog grows as job types land). */
const KNOWN = jobCatalog.map((entry) => entry.type).join(', ');
const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The API function under test, built in beforeAll. */
let api: TestApi;
/** One request through the API function, as Lambda would run it (the shared test helper). */
const call = (method: string, rawPath: string, request?: ApiCall): Promise<ApiAnswer> => api.call(method, rawPath, request);
type Response = ApiAnswer;

describe('the API handler', () => {
  let storage: TestStorage;
  let ledger: JobLedger;
  const invoker = new RecordingInvoker();
  let deployedAt: string;

  beforeAll(async () => {
    storage = await createTestStorage('lifecycle-api');
    ledger = testDependencies(storage).ledger;
    deployedAt = new Date().toISOString();
    api = testApi(storage, testConfig(), {
      invoker,
      variables: {
        NIGHTSHIFT_DEPLOYED_AT: deployedAt,
        NIGHTSHIFT_VERSION: '1.4.2-test',
        NIGHTSHIFT_ADMIN_TOKEN: ADMIN_TOKEN,
        NIGHTSHIFT_READ_TOKEN: READ_TOKEN,
        NIGHTSHIFT_INGEST_TOKEN: undefined,
      },
    });
  });

  afterAll(async () => {
    await storage.destroy();
  });

  beforeEach(() => {
    invoker.invocations.length = 0;
  });

  describe('GET /health', () => {
    it('answers 200 with the version and the health of every shipped job type, without a token', async () => {
      // Prepare
      const before = Date.now();

      // Act
      const response = await call('GET', '/health');

      // Assess
      expect(response.status).toBe(200);
      expect(response.headers['content-type']).toBe('application/json; charset=utf-8');
      expect(response.body).toEqual({ status: 'ok', version: '1.4.2-test', time: expect.any(String), timezone: 'America/Los_Angeles', jobs: expect.any(Object) });
      expect(Object.keys(response.body.jobs)).toEqual(jobCatalog.map((entry) => entry.type));
      expect(response.body.jobs.sweeper).toEqual({
        healthy: true,
        reason: `deployed recently: judged from ${formatLocalTimeNamed(new Date(Date.parse(deployedAt) + 30 * 60_000 + 10 * 60_000), 'America/Los_Angeles')}`,
        schedules: ['sweeper'],
        intervalMs: 300_000,
        lastRun: null,
        lastSuccess: null,
        lastCompleted: null,
      });
      expect(Date.parse(response.body.time)).toBeGreaterThanOrEqual(before - 1000);
    });

    it('answers the same for one type under /health/{type}', async () => {
      // Prepare
      const path = '/health/sweeper';

      // Act
      const response = await call('GET', path);

      // Assess
      expect(response.status).toBe(200);
      expect(response.body).toMatchObject({ status: 'ok', version: '1.4.2-test', timezone: 'America/Los_Angeles', type: 'sweeper', healthy: true, schedules: ['sweeper'] });
    });

    it('answers 404 for a type this build does not ship', async () => {
      // Prepare
      const path = '/health/unknown';

      // Act
      const response = await call('GET', path);

      // Assess
      expect(response.status).toBe(404);
      expect(response.body).toEqual({ error: { code: 'not_found', message: `no job type "unknown" (known: ${KNOWN})` } });
    });
  });

  describe('POST /jobs', () => {
    it('records a run, invokes it and answers 202 with the run and its Location, for an admin', async () => {
      // Prepare
      const body = JSON.stringify({ type: 'sweeper' });

      // Act
      const response = await call('POST', '/jobs', { token: ADMIN_TOKEN, body });

      // Assess
      expect(response.status).toBe(202);
      const job = response.body.job as JobRecord;
      expect(job.id).toMatch(ULID);
      expect(job).toMatchObject({ type: 'sweeper', status: 'queued', trigger: 'api', triggeredBy: 'admin', params: {}, artifacts: [] });
      expect(response.headers['location']).toBe(`/jobs/${job.id}`);
      expect(invoker.invocations).toEqual([{ type: 'sweeper', jobId: job.id, trigger: 'api', triggeredBy: 'admin' }]);
      expect(await ledger.get(job.id)).toEqual(job);
    });

    it('answers 200 pointing at the run that covers a period, and 409 to a forced run while that run is still active', async () => {
      // Prepare: a snapshot of a day long gone; this test's invoker never runs it, so it stays queued.
      const body = (force: boolean) => JSON.stringify({ type: 'snapshot', period: '2026-10-01', force });

      // Act
      const first = await call('POST', '/jobs', { token: ADMIN_TOKEN, body: body(false) });
      const again = await call('POST', '/jobs', { token: ADMIN_TOKEN, body: body(false) });
      const forced = await call('POST', '/jobs', { token: ADMIN_TOKEN, body: body(true) });

      // Assess
      expect(first.status).toBe(202);
      expect(again.status).toBe(200);
      expect(again.body.existingJobId).toBe(first.body.job.id);
      expect(again.body.job).toMatchObject({ status: 'skipped', skippedFor: first.body.job.id });
      expect(forced.status).toBe(409);
      expect(forced.body.error.code).toBe('run_in_progress');
      invoker.invocations.length = 0;
    });

    it('answers 403 to the read token and records nothing', async () => {
      // Prepare
      const body = JSON.stringify({ type: 'sweeper' });

      // Act
      const response = await call('POST', '/jobs', { token: READ_TOKEN, body });

      // Assess
      expect(response.status).toBe(403);
      expect(response.body).toEqual({ error: { code: 'forbidden', message: 'token "read" lacks the admin scope' } });
      expect(invoker.invocations).toEqual([]);
    });

    it('answers 401 without a token and with an unknown one', async () => {
      // Prepare
      const body = JSON.stringify({ type: 'sweeper' });

      // Act
      const anonymous = await call('POST', '/jobs', { body });
      const stranger = await call('POST', '/jobs', { body, token: 'guessed-token' });

      // Assess
      expect(anonymous.status).toBe(401);
      expect(anonymous.body).toEqual({ error: { code: 'unauthorized', message: 'a valid bearer token is required (Authorization: Bearer <token>)' } });
      expect(stranger.status).toBe(401);
      expect(stranger.body).toEqual({ error: { code: 'unauthorized', message: 'unknown token' } });
      expect(invoker.invocations).toEqual([]);
    });

    it.each([
      ['an unknown type, naming the known ones', { type: 'reindex' }, { code: 'bad_request', message: `unknown job type "reindex" (known: ${KNOWN})` }],
      ['an unknown body field, naming it', { type: 'sweeper', priority: 'high' }, { code: 'bad_request', message: 'body: unknown field(s) priority' }],
      ['a body without a type', { params: {} }, { code: 'bad_request', message: expect.stringMatching(/^body\.type: /) }],
      ['a period for a type without periods', { type: 'sweeper', period: '2026-11-22' }, { code: 'invalid_params', message: 'sweeper runs do not take a period' }],
      ['params the type does not take', { type: 'sweeper', params: { depth: 3 } }, { code: 'invalid_params', message: expect.stringMatching(/^params: .*depth/) }],
      // The fan-out's own field, whatever it holds: refused as unknown, not checked against the fan-out's shape.
      ['a rollup partition', { type: 'rollup', params: { partition: {} } }, { code: 'invalid_params', message: expect.stringMatching(/^params: .*"partition"$/) }],
    ])('answers 400 to %s', async (_what, payload, error) => {
      // Prepare
      const body = JSON.stringify(payload);

      // Act
      const response = await call('POST', '/jobs', { token: ADMIN_TOKEN, body });

      // Assess
      expect(response.status).toBe(400);
      expect(response.body).toEqual({ error });
      expect(invoker.invocations).toEqual([]);
    });

    it('answers 400 to malformed JSON and to a missing body', async () => {
      // Prepare
      const malformed = '{"type": "sweeper",';

      // Act
      const broken = await call('POST', '/jobs', { token: ADMIN_TOKEN, body: malformed });
      const empty = await call('POST', '/jobs', { token: ADMIN_TOKEN });

      // Assess
      expect(broken.status).toBe(400);
      expect(broken.body.error.code).toBe('bad_request');
      expect(broken.body.error.message).toMatch(/^the body is not valid JSON: /);
      expect(empty.status).toBe(400);
      expect(empty.body).toEqual({ error: { code: 'bad_request', message: 'a JSON body is required' } });
    });
  });

  describe('GET /jobs/{id}', () => {
    it('answers 200 with the run for a read token', async () => {
      // Prepare
      const created = await call('POST', '/jobs', { token: ADMIN_TOKEN, body: JSON.stringify({ type: 'sweeper' }) });
      const id = created.body.job.id as string;

      // Act
      const response = await call('GET', `/jobs/${id}`, { token: READ_TOKEN });

      // Assess
      expect(response.status).toBe(200);
      expect(response.body).toEqual(created.body.job);
    });

    it('answers 200 with a presigned link for each artifact', async () => {
      // Prepare
      const job = await ledger.enqueue(newJob({}, new FakeClock('2026-11-20T10:00:00.000Z')));
      await storage.artifactStore.put(`runs/sweeper/${job.id}/report.json`, '{"ok":true}', 'application/json');
      const artifacts = [{ name: 'report.json', key: `runs/sweeper/${job.id}/report.json`, size: 11, contentType: 'application/json' }];
      const running = await ledger.transition(job, ['queued'], 'running', {});
      await ledger.transition(running, ['running'], 'succeeded', { artifacts });

      // Act
      const response = await call('GET', `/jobs/${job.id}`, { token: READ_TOKEN });

      // Assess
      expect(response.status).toBe(200);
      expect(response.body.status).toBe('succeeded');
      expect(response.body.artifacts).toEqual([{ ...artifacts[0], url: expect.stringContaining(`/runs/sweeper/${job.id}/report.json?`) }]);
      const download = await fetch(response.body.artifacts[0].url);
      expect(await download.text()).toBe('{"ok":true}');
    });

    it('answers 404 for an unknown id and for one that is not a ULID', async () => {
      // Prepare
      const unknownId = newJob().id;

      // Act
      const unknown = await call('GET', `/jobs/${unknownId}`, { token: READ_TOKEN });
      const traversal = await call('GET', '/jobs/..%2F..%2Fetc', { token: READ_TOKEN, pathParameters: { id: '..%2F..%2Fetc' } });

      // Assess
      expect(unknown.status).toBe(404);
      expect(unknown.body).toEqual({ error: { code: 'not_found', message: `no job with id "${unknownId}"` } });
      expect(traversal.status).toBe(404);
      expect(traversal.body).toEqual({ error: { code: 'not_found', message: 'no job with id "../../etc"' } });
    });

    it('answers 401 without a token', async () => {
      // Prepare
      const id = newJob().id;

      // Act
      const response = await call('GET', `/jobs/${id}`);

      // Assess
      expect(response.status).toBe(401);
    });
  });

  describe('GET /jobs', () => {
    /** Five sweeper runs at 2026-01-01T00:00:01…05Z (older than any other run here); the last two succeeded. */
    async function seed(): Promise<JobRecord[]> {
      const clock = new FakeClock('2026-01-01T00:00:00.000Z');
      const seeded: JobRecord[] = [];
      for (let i = 0; i < 5; i += 1) {
        clock.advance(1000);
        // expiresAt in the real future: DynamoDB Local's TTL would delete runs 'expired' in January.
        let job = await ledger.enqueue(newJob({ triggeredBy: `seed-${i}`, expiresAt: 4_102_444_800 }, clock));
        if (i >= 3) {
          job = await ledger.transition(job, ['queued'], 'running', {});
          job = await ledger.transition(job, ['running'], 'succeeded', {});
        }
        seeded.push(job);
      }
      return seeded;
    }

    let seeded: JobRecord[];
    beforeAll(async () => {
      seeded = await seed();
    });

    it('pages newest first with limit and nextCursor, never repeating or skipping a run', async () => {
      // Prepare
      const all = await call('GET', '/jobs', { token: READ_TOKEN, query: { limit: '100' } });

      // Act
      const pages: Response[] = [];
      let cursor: string | null = null;
      do {
        const page: Response = await call('GET', '/jobs', { token: READ_TOKEN, query: { limit: '2', ...(cursor ? { cursor } : {}) } });
        pages.push(page);
        cursor = page.body.nextCursor;
      } while (cursor && pages.length < 50);

      // Assess
      const allIds = (all.body.items as JobRecord[]).map((j) => j.id);
      expect(all.status).toBe(200);
      expect(all.body.nextCursor).toBeNull();
      expect(allIds.slice(-5)).toEqual(seeded.map((j) => j.id).reverse());
      expect(pages.every((p) => p.status === 200)).toBe(true);
      expect(pages.slice(0, -1).every((p) => p.body.items.length === 2 && typeof p.body.nextCursor === 'string')).toBe(true);
      expect(pages.flatMap((p) => (p.body.items as JobRecord[]).map((j) => j.id))).toEqual(allIds);
      expect(pages.at(-1)?.body.nextCursor).toBeNull();
    });

    it('filters by status, type and creation time', async () => {
      // Prepare
      const query = { type: 'sweeper', status: 'succeeded', since: '2026-01-01T00:00:01Z', until: '2026-01-01T00:00:04Z' };

      // Act
      const succeeded = await call('GET', '/jobs', { token: READ_TOKEN, query: { status: 'succeeded', until: '2026-01-02T00:00:00Z' } });
      const queued = await call('GET', '/jobs', { token: READ_TOKEN, query: { status: 'queued', until: '2026-01-02T00:00:00Z' } });
      const window = await call('GET', '/jobs', { token: READ_TOKEN, query });

      // Assess
      expect((succeeded.body.items as JobRecord[]).map((j) => j.id)).toEqual([seeded[4]!.id, seeded[3]!.id]);
      expect((queued.body.items as JobRecord[]).map((j) => j.id)).toEqual([seeded[2]!.id, seeded[1]!.id, seeded[0]!.id]);
      expect((window.body.items as JobRecord[]).map((j) => j.id)).toEqual([seeded[3]!.id]);
    });

    it.each([
      ['limit=0', { limit: '0' }, /^query\.limit: /],
      ['limit=101', { limit: '101' }, /^query\.limit: /],
      ['limit=abc', { limit: 'abc' }, /^query\.limit: /],
      ['status=bogus', { status: 'bogus' }, /^query\.status: /],
      ['an unknown parameter', { owner: 'me' }, /^query: unknown field\(s\) owner$/],
      ['an unknown type', { type: 'reindex' }, new RegExp(`^${escapeRegExp(`unknown job type "reindex" (known: ${KNOWN})`)}$`)],
      ['since after until', { since: '2026-02-01T00:00:00Z', until: '2026-01-01T00:00:00Z' }, /^query: since is after until$/],
      ['a date that is not ISO-8601', { since: 'yesterday' }, /^query\.since: /],
      ['a cursor we never issued', { cursor: 'bm90LWEtY3Vyc29y' }, /^cursor is not one this API issued/],
    ])('answers 400 to %s', async (_what, query, message) => {
      // Prepare
      const request = { token: READ_TOKEN, query };

      // Act
      const response = await call('GET', '/jobs', request);

      // Assess
      expect(response.status).toBe(400);
      expect(response.body.error.message).toMatch(message);
    });
  });

  describe('unknown routes', () => {
    it.each([
      ['GET', '/nope'],
      ['DELETE', '/jobs'],
      ['GET', '/jobs/01HZZZZZZZZZZZZZZZZZZZZZZZ/artifacts/x'],
    ])('answers %s %s with a 404 JSON error', async (method, path) => {
      // Prepare
      const request = { token: ADMIN_TOKEN };

      // Act
      const response = await call(method, path, request);

      // Assess
      expect(response.status).toBe(404);
      expect(response.headers['content-type']).toBe('application/json; charset=utf-8');
      expect(response.body).toEqual({ error: { code: 'route_not_found', message: `no route ${method} ${path}` } });
    });
  });
});
