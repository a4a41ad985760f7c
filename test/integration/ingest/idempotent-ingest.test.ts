import type { APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { apiEvent, eventObjectKeys, readEventObject, TEST_TOKENS, testApi, type TestApi } from '../../helpers/api';
import { DelayRecordingInvoker } from '../../helpers/invokers';
import { rollupConfig, scanAnalytics } from '../../helpers/rollup-bed';
import { createTestStorage, type TestStorage } from '../../helpers/storage';

/** The API function under test, built in the suite's beforeAll. */
let api: TestApi;

const HOUR_MS = 3_600_000;
const at = (ms: number): string => new Date(ms).toISOString();
const hourAgo = (hours: number): number => Math.floor((Date.now() - hours * HOUR_MS) / HOUR_MS) * HOUR_MS;

function ingest(body: object | string, key?: string, contentType?: string) {
  return api.call('POST', '/events', {
    token: TEST_TOKENS.ingest,
    body,
    ...(contentType ? { contentType } : {}),
    ...(key !== undefined ? { headers: { 'idempotency-key': key } } : {}),
  });
}

describe('POST /events with an Idempotency-Key', () => {
  let storage: TestStorage;
  const invoker = new DelayRecordingInvoker();

  beforeAll(async () => {
    storage = await createTestStorage('idem-ingest');
    api = testApi(storage, rollupConfig(), { invoker });
  });

  afterAll(async () => {
    await storage.destroy();
  });

  beforeEach(() => invoker.clear());

  it('stores a repeat of the same request once, names its objects after the key, and answers it as the first', async () => {
    // Prepare: two hours, one invalid event.
    const hour = hourAgo(30);
    const body = { events: [{ metric: 'orders', ts: at(hour + 1000) }, { metric: 'orders', ts: at(hour + HOUR_MS + 5) }, { metric: 'nope', ts: at(hour) }] };
    const before = new Set(await eventObjectKeys(storage));

    // Act
    const first = await ingest(body, 'batch-0001');
    const again = await ingest(body, 'batch-0001');
    const written = (await eventObjectKeys(storage)).filter((key) => !before.has(key));

    // Assess
    expect(first.status).toBe(202);
    expect(first.body.accepted).toBe(2);
    expect(first.body.objects).toHaveLength(2);
    expect(first.body.objects.every((key: string) => /\/idem-[0-9a-f]{32}\.ndjson\.gz$/.test(key))).toBe(true);
    expect(again.status).toBe(202);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.body).toEqual(first.body);
    expect(first.headers['idempotent-replayed']).toBeUndefined();
    expect(written.sort()).toEqual([...first.body.objects].sort());
    expect(invoker.calls).toHaveLength(1);
  });

  it('refuses the same key with another body (422) and stores nothing of it; a repeat while the first is at work is told to retry (409)', async () => {
    // Prepare
    const hour = hourAgo(31);
    const first = await ingest({ events: [{ metric: 'orders', ts: at(hour) }] }, 'batch-0002');
    const before = await eventObjectKeys(storage);

    // Act
    const other = await ingest({ events: [{ metric: 'orders', ts: at(hour + 1) }] }, 'batch-0002');
    const concurrent = await Promise.all(Array.from({ length: 8 }, () => ingest({ events: [{ metric: 'revenue', ts: at(hour), value: 3 }] }, 'batch-0003')));

    // Assess
    expect(first.status).toBe(202);
    expect([other.status, other.body.error.code]).toEqual([422, 'idempotency_key_reused']);
    const statuses = concurrent.map((answer) => answer.status).sort();
    expect(statuses.filter((status) => status === 202).length).toBeGreaterThanOrEqual(1);
    expect(statuses.every((status) => status === 202 || status === 409)).toBe(true);
    expect(concurrent.filter((answer) => answer.status === 409).every((answer) => answer.body.error.code === 'idempotency_key_in_progress')).toBe(true);
    const added = (await eventObjectKeys(storage)).filter((key) => !before.includes(key));
    expect(added).toHaveLength(1);
    expect(await readEventObject(storage, added[0]!)).toEqual([{ metric: 'revenue', ts: at(hour), value: 3, dims: {} }]);
  });

  it('scopes keys to the token and the route: the same key from another token, or on POST /jobs, is another request', async () => {
    // Prepare
    const hour = hourAgo(32);
    const body = { events: [{ metric: 'sessions', ts: at(hour) }] };

    // Act
    const byIngest = await ingest(body, 'shared-key');
    const byAdmin = await api.call('POST', '/events', { token: TEST_TOKENS.admin, body, headers: { 'idempotency-key': 'shared-key' } });
    const job = await api.call('POST', '/jobs', { token: TEST_TOKENS.admin, body: { type: 'sweeper' }, headers: { 'idempotency-key': 'shared-key' } });

    // Assess
    expect([byIngest.status, byAdmin.status, job.status]).toEqual([202, 202, 202]);
    expect(byAdmin.headers['idempotent-replayed']).toBeUndefined();
    expect(byAdmin.body.objects).not.toEqual(byIngest.body.objects);
  });

  it('answers 400 for a key that is not printable ASCII, and keeps the no-valid-event 400 retryable under its key', async () => {
    // Act
    const badKey = await ingest({ events: [{ metric: 'orders', ts: at(hourAgo(33)) }] }, 'with space');
    const invalid = await ingest({ events: [{ metric: 'nope', ts: at(hourAgo(33)) }] }, 'batch-0004');
    const corrected = await ingest({ events: [{ metric: 'orders', ts: at(hourAgo(33)) }] }, 'batch-0004');

    // Assess
    expect([badKey.status, badKey.body.error.code]).toEqual([400, 'bad_request']);
    expect([invalid.status, invalid.body.error.code]).toEqual([400, 'no_valid_events']);
    expect(corrected.status).toBe(202);
  });
});

describe('the API deadline', () => {
  let storage: TestStorage;

  beforeAll(async () => {
    storage = await createTestStorage('api-deadline');
    api = testApi(storage, rollupConfig(), { invoker: new DelayRecordingInvoker() });
  });

  afterAll(async () => {
    await storage.destroy();
  });

  /** One request with only `remainingMs` left in the function: the API answers 1 s before that. */
  async function callWithin(remainingMs: number, method: string, path: string, call: Parameters<typeof apiEvent>[2]) {
    const deadline = Date.now() + remainingMs;
    const context = { getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()) } as unknown as Context;
    const result = (await api.handler(apiEvent(method, path, call), context)) as APIGatewayProxyStructuredResultV2;
    return { status: result.statusCode ?? 0, body: JSON.parse(result.body ?? '{}') };
  }

  it('answers a write it could not finish in time with 504 outcome_unknown and how to retry safely; a read with 504 timeout', async () => {
    // Prepare: 1.2 s left is 0.2 s of work before the answer is due, less than ingest and a read of stats need here.
    const events = { events: Array.from({ length: 5_000 }, (_, i) => ({ metric: 'orders', ts: at(hourAgo(60) + i * 30_000), dims: { store: `s${i % 7}` } })) };

    // Act
    const write = await callWithin(1_200, 'POST', '/events', { token: TEST_TOKENS.ingest, body: events, headers: { 'idempotency-key': 'slow-1' } });
    const read = await callWithin(1_010, 'GET', '/stats', { token: TEST_TOKENS.read, query: { metric: 'orders', from: '2026-01-01', to: '2026-12-31' } });

    // Assess
    expect(write.status).toBe(504);
    expect(write.body.error.code).toBe('outcome_unknown');
    expect(write.body.error.message).toMatch(/^POST \/events did not finish within \d+ s: it may or may not have taken effect\. Send the same body again with the same Idempotency-Key header/);
    expect(write.body.error.message).not.toMatch(/server failed/);
    expect(read.status).toBe(504);
    expect(read.body.error).toEqual({ code: 'timeout', message: expect.stringMatching(/^GET \/stats did not finish within \d+ s\. Nothing was changed: try again\.$/) });
  });

  it('answers the retry of a write that outlived its deadline as the first would have, with its objects stored once', async () => {
    // Prepare: the same slow request as above (its work went on after the 504).
    const events = { events: Array.from({ length: 5_000 }, (_, i) => ({ metric: 'orders', ts: at(hourAgo(60) + i * 30_000), dims: { store: `s${i % 7}` } })) };

    // Act
    let retry = await api.call('POST', '/events', { token: TEST_TOKENS.ingest, body: events, headers: { 'idempotency-key': 'slow-1' } });
    for (let attempt = 0; attempt < 100 && retry.status === 409; attempt += 1) {
      await new Promise((done) => setTimeout(done, 200));
      retry = await api.call('POST', '/events', { token: TEST_TOKENS.ingest, body: events, headers: { 'idempotency-key': 'slow-1' } });
    }
    const keys = await eventObjectKeys(storage);
    const marks = (await scanAnalytics(storage)).filter((item) => item['pk'] === 'rollup#written');

    // Assess
    expect(retry.status).toBe(202);
    expect(retry.body.accepted).toBe(5_000);
    expect(keys.sort()).toEqual([...retry.body.objects].sort());
    expect(marks.map((mark) => mark['sk']).sort()).toEqual(retry.body.objects.map((key: string) => key.replace(/^events\/dt=(.{10})\/hour=(..)\/.*$/, '$1T$2')).sort());
  });
});
