import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_TOKENS, testApi, type TestApi } from '../../helpers/api';
import { DelayRecordingInvoker } from '../../helpers/invokers';
import { testConfig, testDependencies } from '../../helpers/jobs';
import { createTestStorage, type TestStorage } from '../../helpers/storage';

/** The API function under test, built in the suite's beforeAll. */
let api: TestApi;

const config = testConfig();
const post = (body: object, key?: string) =>
  api.call('POST', '/jobs', { token: TEST_TOKENS.admin, body, ...(key !== undefined ? { headers: { 'idempotency-key': key } } : {}) });

describe('POST /jobs with an Idempotency-Key', () => {
  let storage: TestStorage;
  const invoker = new DelayRecordingInvoker();

  beforeAll(async () => {
    storage = await createTestStorage('idempotency');
    api = testApi(storage, config, { invoker });
  });

  afterAll(async () => {
    await storage.destroy();
  });

  const sweeperRuns = async () => (await testDependencies(storage, { config }).ledger.list({ type: 'sweeper', limit: 100 })).items;

  it('answers a repeat of the same request with the first run, and starts nothing more', async () => {
    // Act
    const first = await post({ type: 'sweeper' }, 'key-repeat-1');
    // Same request, keys of the body in another order.
    const again = await post({ params: {}, type: 'sweeper' }, 'key-repeat-1');

    // Assess
    expect(first.status).toBe(202);
    expect(again.status).toBe(200);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.body.job.id).toBe(first.body.job.id);
    expect((await sweeperRuns()).map((run) => run.id)).toEqual([first.body.job.id]);
    expect(invoker.calls.filter((call) => call.invocation.jobId === first.body.job.id)).toHaveLength(1);
  });

  it('refuses the same key with another body (422), and accepts a new key', async () => {
    // Act
    const first = await post({ type: 'sweeper' }, 'key-reuse-1');
    const other = await post({ type: 'sweeper', force: false, params: { note: 1 } }, 'key-reuse-1');
    const fresh = await post({ type: 'sweeper' }, 'key-reuse-2');

    // Assess
    expect(first.status).toBe(202);
    expect(other.status).toBe(422);
    expect(other.body.error.code).toBe('idempotency_key_reused');
    expect(fresh.status).toBe(202);
    expect(fresh.body.job.id).not.toBe(first.body.job.id);
  });

  it('starts exactly one run for 10 concurrent requests with one key', async () => {
    // Prepare
    const before = (await sweeperRuns()).length;

    // Act
    const answers = await Promise.all(Array.from({ length: 10 }, () => post({ type: 'sweeper' }, 'key-concurrent')));

    // Assess
    const started = answers.filter((answer) => answer.status === 202);
    expect(started).toHaveLength(1);
    for (const answer of answers.filter((a) => a.status !== 202)) {
      // A repeat either sees the run (200) or arrives while the first is still starting it (409, retry).
      expect([200, 409]).toContain(answer.status);
      if (answer.status === 200) expect(answer.body.job.id).toBe(started[0]!.body.job.id);
      else expect(answer.body.error.code).toBe('idempotency_key_in_progress');
    }
    expect((await sweeperRuns()).length).toBe(before + 1);
  });

  it('forgets a key whose request was refused, so the corrected request can use it', async () => {
    // Act
    const refused = await post({ type: 'sweeper', params: { unknown: true } }, 'key-refused');
    const corrected = await post({ type: 'sweeper' }, 'key-refused');
    const badKey = await post({ type: 'sweeper' }, 'spaces are not allowed');

    // Assess
    expect(refused.status).toBe(400);
    expect(corrected.status).toBe(202);
    expect(badKey.status).toBe(400);
    expect(badKey.body.error.message).toContain('Idempotency-Key');
  });
});
