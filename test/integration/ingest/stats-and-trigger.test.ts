import { DateTime } from 'luxon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InvalidEnvironmentError } from '../../../functions/adapters/environment-error';
import { apiContextOf } from '../../../functions/runtime/api-context';
import { TEST_TOKENS, testApi, testRuntime, type TestApi } from '../../helpers/api';
import { DelayRecordingInvoker } from '../../helpers/invokers';
import { testDependencies } from '../../helpers/jobs';
import { rollupConfig } from '../../helpers/rollup-bed';
import { createTestStorage, type TestStorage } from '../../helpers/storage';

/** The API function under test, built in the suite's beforeAll. */
let api: TestApi;

const TIMEZONE = 'America/Los_Angeles';
const config = rollupConfig();

/** An ISO time at a local wall-clock time `daysAgo` days back in the configured zone. */
function localTime(daysAgo: number, time: string): string {
  const day = DateTime.now().setZone(TIMEZONE).minus({ days: daysAgo }).toISODate();
  return DateTime.fromISO(`${day}T${time}`, { zone: TIMEZONE }).toISO() ?? '';
}

const localDayAgo = (daysAgo: number): string => DateTime.now().setZone(TIMEZONE).minus({ days: daysAgo }).toISODate() ?? '';

const trigger = (body?: object, token: string = TEST_TOKENS.admin) =>
  api.call('POST', '/internal/rollup/trigger', { token, ...(body ? { body } : {}) });

const stats = (query: Record<string, string>, token: string = TEST_TOKENS.read) => api.call('GET', '/stats', { token, query });

describe('stats and the rollup trigger', () => {
  let storage: TestStorage;
  const invoker = new DelayRecordingInvoker();

  beforeAll(async () => {
    storage = await createTestStorage('stats-trigger');
  });

  afterAll(async () => {
    await storage.destroy();
  });

  describe('with test endpoints disabled (the default)', () => {
    beforeAll(() => {
      api = testApi(storage, config, { invoker });
    });

    it('answers 403 test_endpoints_disabled to an admin, and runs nothing', async () => {
      // Act
      const answer = await trigger();
      const runs = await testDependencies(storage).ledger.list({ type: 'rollup', limit: 10 });

      // Assess
      expect(answer.status).toBe(403);
      expect(answer.body.error.code).toBe('test_endpoints_disabled');
      expect(runs.items).toEqual([]);
    });

    it('still asks for a token first', async () => {
      // Act
      const answer = await api.call('POST', '/internal/rollup/trigger');

      // Assess
      expect(answer.status).toBe(401);
    });
  });

  describe('with ENABLE_TEST_ENDPOINTS=true', () => {
    beforeAll(async () => {
      api = testApi(storage, config, { invoker, variables: { ENABLE_TEST_ENDPOINTS: 'true' } });
      const events = [
        { metric: 'revenue', ts: localTime(1, '00:00:00'), value: 10, dims: { store: 'a', channel: 'web' } },
        { metric: 'revenue', ts: localTime(1, '12:30:00'), value: 20.5, dims: { store: 'a', channel: 'app' } },
        { metric: 'revenue', ts: localTime(1, '23:59:59.999'), value: 4, dims: { store: 'b', device: 'ios' } },
        { metric: 'revenue', ts: localTime(1, '08:00:00'), value: -1.5 },
        { metric: 'revenue', ts: localTime(2, '23:59:59'), value: 100, dims: { store: 'b' } },
        { metric: 'orders', ts: localTime(1, '09:00:00'), dims: { store: 'a' } },
      ];
      const answer = await api.call('POST', '/events', { token: TEST_TOKENS.ingest, body: { events } });
      expect(answer.status).toBe(202);
    });

    it('runs a rollup in the request and answers with its final record', async () => {
      // Act
      const answer = await trigger();
      const stored = await api.call('GET', `/jobs/${answer.body.job.id}`, { token: TEST_TOKENS.read });

      // Assess
      expect(answer.status).toBe(200);
      expect(answer.body.job).toMatchObject({ type: 'rollup', status: 'succeeded', trigger: 'api', triggeredBy: 'admin', summary: { events: 6, malformedLines: 0 } });
      expect(stored.body).toMatchObject({ id: answer.body.job.id, status: 'succeeded', finishedAt: answer.body.job.finishedAt });
    });

    it('passes a body on as the rollup params, and refuses bad ones with 400', async () => {
      // Act
      const ranged = await trigger({ from: localDayAgo(3), to: localDayAgo(0) });
      const bad = await trigger({ from: 'last week' });
      const unknown = await trigger({ since: localDayAgo(3) });
      // A partition is the fan-out's own: not part of the contract, so refused like any unknown field.
      const partition = await trigger({ partition: { parent: '01JD0000000000000000000000', index: 0, of: 1, attempt: 1, hours: ['2026-11-22T10'], written: {}, stopBy: '2026-11-22T11:00:00Z' } });

      // Assess
      expect(ranged.status).toBe(200);
      expect(ranged.body.job).toMatchObject({ status: 'succeeded', params: { from: localDayAgo(3), to: localDayAgo(0) }, summary: { events: 0 } });
      expect(bad.status).toBe(400);
      expect(bad.body.error.message).toMatch(/^body\.from: /);
      expect(unknown.status).toBe(400);
      expect(unknown.body.error.message).toMatch(/unknown field\(s\) since/);
      expect(partition.status).toBe(400);
      expect(partition.body.error.message).toMatch(/unknown field\(s\) partition/);
    });

    it('waits for a run that holds the rollup lease instead of answering skipped', async () => {
      // Prepare
      const { leases } = testDependencies(storage, { clock: { now: () => new Date() } as never });
      await leases.acquire('rollup', 'a-long-hourly-run', 60_000);
      setTimeout(() => void leases.release('rollup', 'a-long-hourly-run'), 1_000);

      // Act
      const answer = await trigger();

      // Assess
      expect(answer.status).toBe(200);
      expect(answer.body.job.status).toBe('succeeded');
    });

    it('is refused at the start of an API built without the test endpoints, as a Lambda API is', () => {
      // Prepare
      const runtime = testRuntime(storage, config, { invoker, variables: { ENABLE_TEST_ENDPOINTS: 'true' } });

      // Act
      const build = () => apiContextOf(runtime);

      // Assess
      expect(build).toThrow(InvalidEnvironmentError);
      expect(build).toThrow(/ENABLE_TEST_ENDPOINTS: "true", but this API function is built without the test endpoints/);
    });

    it('needs the admin scope', async () => {
      // Act
      const answer = await trigger(undefined, TEST_TOKENS.read);

      // Assess
      expect(answer.status).toBe(403);
      expect(answer.body.error.code).toBe('forbidden');
    });

    it('answers /stats summed across dimensions, local days inclusive', async () => {
      // Act
      const answer = await stats({ metric: 'revenue', from: localDayAgo(2), to: localDayAgo(0) });

      // Assess
      expect(answer.status).toBe(200);
      expect(answer.body).toEqual({
        metric: 'revenue',
        timezone: TIMEZONE,
        items: [
          { day: localDayAgo(2), dims: {}, count: 1, sum: 100, min: 100, max: 100, complete: true },
          { day: localDayAgo(1), dims: {}, count: 4, sum: 33, min: -1.5, max: 20.5, complete: true },
        ],
        incompleteDays: [],
      });
    });

    it('groups /stats by a kept dimension; events without it group under {}', async () => {
      // Act
      const byStore = await stats({ metric: 'revenue', from: localDayAgo(1), to: localDayAgo(1), groupBy: 'store' });
      const byChannel = await stats({ metric: 'revenue', from: localDayAgo(1), to: localDayAgo(1), groupBy: 'channel' });

      // Assess
      expect(byStore.body.items).toEqual([
        { day: localDayAgo(1), dims: {}, count: 1, sum: -1.5, min: -1.5, max: -1.5, complete: true },
        { day: localDayAgo(1), dims: { store: 'a' }, count: 2, sum: 30.5, min: 10, max: 20.5, complete: true },
        { day: localDayAgo(1), dims: { store: 'b' }, count: 1, sum: 4, min: 4, max: 4, complete: true },
      ]);
      expect(byChannel.body.items.map((item: { dims: object; count: number }) => [item.dims, item.count])).toEqual([
        [{}, 2],
        [{ channel: 'app' }, 1],
        [{ channel: 'web' }, 1],
      ]);
    });

    it.each<{ name: string; query: Record<string, string>; message: RegExp }>([
      { name: 'an unknown parameter', query: { metric: 'revenue', from: '2026-11-01', to: '2026-11-02', limit: '5' }, message: /query: unknown field\(s\) limit/ },
      { name: 'a missing metric', query: { from: '2026-11-01', to: '2026-11-02' }, message: /query\.metric: / },
      { name: 'a day without leading zeros', query: { metric: 'revenue', from: '2026-11-1', to: '2026-11-02' }, message: /query\.from: a local day, YYYY-MM-DD/ },
      { name: 'a date-time instead of a day', query: { metric: 'revenue', from: '2026-11-01', to: '2026-11-02T00:00:00Z' }, message: /query\.to: / },
      { name: 'a day that does not exist', query: { metric: 'revenue', from: '2026-02-30', to: '2026-03-02' }, message: /query\.from: not a calendar day/ },
      { name: 'an unknown metric', query: { metric: 'revenu', from: '2026-11-01', to: '2026-11-02' }, message: /unknown metric "revenu"/ },
      { name: 'an unknown dimension', query: { metric: 'revenue', from: '2026-11-01', to: '2026-11-02', groupBy: 'device' }, message: /unknown dimension "device"/ },
      { name: 'from after to', query: { metric: 'revenue', from: '2026-11-03', to: '2026-11-02' }, message: /from\/to: / },
      { name: 'a range over a year', query: { metric: 'revenue', from: '2024-01-01', to: '2026-11-02' }, message: /from\/to: / },
    ])('answers /stats 400 for $name, with a message', async ({ query, message }) => {
      // Act
      const answer = await stats(query);

      // Assess
      expect(answer.status).toBe(400);
      expect(answer.body.error.message).toMatch(message);
    });

    it('needs the read scope for /stats', async () => {
      // Act
      const ingestOnly = await stats({ metric: 'revenue', from: '2026-11-01', to: '2026-11-02' }, TEST_TOKENS.ingest);
      const anonymous = await api.call('GET', '/stats', { query: { metric: 'revenue', from: '2026-11-01', to: '2026-11-02' } });

      // Assess
      expect(ingestOnly.status).toBe(403);
      expect(anonymous.status).toBe(401);
    });
  });
});
