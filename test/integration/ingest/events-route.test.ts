import { HeadObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { MAX_BODY_BYTES } from '../../../functions/api/http';
import { EVENT_LIMITS } from '../../../functions/core/events/metric-event';
import { eventObjectKeys, readEventObject, TEST_TOKENS, testApi, type TestApi } from '../../helpers/api';
import { DelayRecordingInvoker } from '../../helpers/invokers';
import { rollupConfig } from '../../helpers/rollup-bed';
import { createTestStorage, type TestStorage } from '../../helpers/storage';

/** The API function under test, built in the suite's beforeAll. */
let api: TestApi;

const KEY = /^events\/dt=\d{4}-\d{2}-\d{2}\/hour=\d{2}\/[0-9A-HJKMNP-TV-Z]{26}\.ndjson\.gz$/;
const HOUR_MS = 3_600_000;

/** A UTC hour a few hours back, so every event of a test is in the past and in one known hour. */
function hourAgo(hours: number): number {
  return Math.floor((Date.now() - hours * HOUR_MS) / HOUR_MS) * HOUR_MS;
}

const at = (ms: number): string => new Date(ms).toISOString();

function ingest(body: string | object, options: { contentType?: string; token?: string } = {}) {
  return api.call('POST', '/events', { token: options.token ?? TEST_TOKENS.ingest, body, ...(options.contentType ? { contentType: options.contentType } : {}) });
}

describe('POST /events', () => {
  let storage: TestStorage;
  const invoker = new DelayRecordingInvoker();

  beforeAll(async () => {
    storage = await createTestStorage('ingest-route');
    api = testApi(storage, rollupConfig(), { invoker });
  });

  afterAll(async () => {
    await storage.destroy();
  });

  beforeEach(() => {
    invoker.clear();
  });

  /** The stored lines of the objects an answer names, in key order. */
  async function stored(objects: string[]): Promise<Array<Record<string, unknown>>> {
    const lines: Array<Record<string, unknown>> = [];
    for (const key of objects) lines.push(...(await readEventObject(storage, key)));
    return lines;
  }

  it('accepts a JSON body and stores it as one gzip object, defaults filled in', async () => {
    // Prepare
    const hour = hourAgo(3);
    const events = [
      { metric: 'revenue', ts: at(hour + 60_000), value: 12.5, dims: { store: 's1', channel: 'web' } },
      { metric: 'orders', ts: at(hour + 120_000) },
    ];

    // Act
    const answer = await ingest({ events });

    // Assess
    expect(answer.status).toBe(202);
    expect(answer.body).toEqual({ accepted: 2, rejected: [], objects: [expect.stringMatching(KEY)] });
    expect(answer.body.objects[0]).toContain(`events/dt=${at(hour).slice(0, 10)}/hour=${at(hour).slice(11, 13)}/`);
    expect(await stored(answer.body.objects)).toEqual([
      { metric: 'revenue', ts: events[0]!.ts, value: 12.5, dims: { store: 's1', channel: 'web' } },
      { metric: 'orders', ts: events[1]!.ts, value: 1, dims: {} },
    ]);
    const head = await storage.s3.send(new HeadObjectCommand({ Bucket: storage.names.bucket, Key: answer.body.objects[0] }));
    expect(head.ContentType).toBe('application/gzip');
    expect(head.ContentEncoding).toBeUndefined();
  });

  it('accepts NDJSON, one event per line, blank lines and CRLF tolerated', async () => {
    // Prepare
    const hour = hourAgo(4);
    const lines = [
      JSON.stringify({ metric: 'sessions', ts: at(hour + 1000), dims: { channel: 'app' } }),
      '',
      JSON.stringify({ metric: 'sessions', ts: at(hour + 2000), value: 3 }),
    ];

    // Act
    const answer = await ingest(lines.join('\r\n') + '\n', { contentType: 'application/x-ndjson' });

    // Assess
    expect(answer.status).toBe(202);
    expect(answer.body.accepted).toBe(2);
    expect(await stored(answer.body.objects)).toEqual([
      { metric: 'sessions', ts: at(hour + 1000), value: 1, dims: { channel: 'app' } },
      { metric: 'sessions', ts: at(hour + 2000), value: 3, dims: {} },
    ]);
  });

  it('keeps every valid event of a mixed request and names each invalid one by index', async () => {
    // Prepare
    const hour = hourAgo(5);
    const events = [
      { metric: 'revenue', ts: at(hour + 1), value: 1 },
      { metric: 'revenue', ts: '2026-11-22T09:15:00', value: 2 },
      { metric: 'Revenue!', ts: at(hour + 2) },
      { metric: 'revenue', ts: at(hour + 3), value: '7' },
      { metric: 'revenue', ts: at(hour + 4), value: 4, dims: { store: 5 } },
      { metric: 'refund_requests', ts: at(hour + 5) },
      { metric: 'revenue', ts: at(hour + 6), value: 6, extra: true },
      { metric: 'revenue', ts: at(hour + 7), value: 7 },
      'not an event',
    ];

    // Act
    const answer = await ingest({ events });

    // Assess
    expect(answer.status).toBe(202);
    expect(answer.body.accepted).toBe(2);
    expect(answer.body.rejected.map((r: { index: number }) => r.index)).toEqual([1, 2, 3, 4, 5, 6, 8]);
    const reasons = Object.fromEntries(answer.body.rejected.map((r: { index: number; error: string }) => [r.index, r.error]));
    expect(reasons[1]).toMatch(/ts must be an ISO-8601 time with an offset/);
    expect(reasons[2]).toMatch(/metric must be lower snake_case/);
    expect(reasons[3]).toMatch(/value must be a finite number/);
    expect(reasons[4]).toMatch(/dims\.store must be a string/);
    expect(reasons[5]).toMatch(/unknown metric "refund_requests"/);
    expect(reasons[6]).toMatch(/unknown field "extra"/);
    expect(reasons[8]).toMatch(/must be a JSON object/);
    expect((await stored(answer.body.objects)).map((line) => line['value'])).toEqual([1, 7]);
  });

  it('refuses times that name no real moment (2026-02-30, 11-31, hour 24, second 60) by index, instead of moving them to another day', async () => {
    // Prepare
    const events = [
      { metric: 'orders', ts: '2026-02-30T10:00:00Z' },
      { metric: 'orders', ts: '2026-11-31T10:00:00-08:00' },
      { metric: 'orders', ts: '2025-02-29T10:00:00Z' },
      { metric: 'orders', ts: '2026-11-22T24:00:00Z' },
      { metric: 'orders', ts: '2026-11-22T09:60:00Z' },
      { metric: 'orders', ts: '2026-11-22T09:15:60Z' },
      { metric: 'orders', ts: '2026-11-22T09:15:00+24:00' },
      { metric: 'orders', ts: '2024-02-29T10:00:00Z' },
    ];

    // Act
    const answer = await ingest({ events });

    // Assess
    expect(answer.status).toBe(202);
    expect(answer.body.accepted).toBe(1);
    const reasons = answer.body.rejected.map((r: { index: number; error: string }) => `${r.index}: ${r.error}`);
    expect(reasons).toEqual([
      '0: ts "2026-02-30T10:00:00Z" is not a real time: 2026-02 has 28 days',
      '1: ts "2026-11-31T10:00:00-08:00" is not a real time: 2026-11 has 30 days',
      '2: ts "2025-02-29T10:00:00Z" is not a real time: 2025-02 has 28 days',
      '3: ts "2026-11-22T24:00:00Z" is not a real time: the hour must be 00 to 23',
      '4: ts "2026-11-22T09:60:00Z" is not a real time: the minute must be 00 to 59',
      '5: ts "2026-11-22T09:15:60Z" is not a real time: the second must be 00 to 59',
      '6: ts "2026-11-22T09:15:00+24:00" is not a real time: the offset must be within ±23:59',
    ]);
    expect(answer.body.objects).toEqual(['events/dt=2024-02-29/hour=10/' + answer.body.objects[0].split('/').pop()]);
  });

  it('refuses non-finite numbers per NDJSON line and keeps their neighbours', async () => {
    // Prepare
    const hour = hourAgo(6);
    const body = [
      JSON.stringify({ metric: 'orders', ts: at(hour + 10), value: 2 }),
      `{"metric":"orders","ts":"${at(hour + 20)}","value":1e999}`,
      `{"metric":"orders","ts":"${at(hour + 30)}","value":NaN}`,
      `{"metric":"orders","ts":"${at(hour + 40)}","value":-Infinity}`,
      '{"metric":"orders",',
      JSON.stringify({ metric: 'orders', ts: at(hour + 50), value: -3.5 }),
    ].join('\n');

    // Act
    const answer = await ingest(body, { contentType: 'application/x-ndjson; charset=utf-8' });

    // Assess
    expect(answer.status).toBe(202);
    expect(answer.body.accepted).toBe(2);
    expect(answer.body.rejected).toEqual([
      { index: 1, error: expect.stringMatching(/value must be a finite number/) },
      { index: 2, error: expect.stringMatching(/^line 3 is not valid JSON/) },
      { index: 3, error: expect.stringMatching(/^line 4 is not valid JSON/) },
      { index: 4, error: expect.stringMatching(/^line 5 is not valid JSON/) },
    ]);
    expect((await stored(answer.body.objects)).map((line) => line['value'])).toEqual([2, -3.5]);
  });

  it('writes one object per UTC hour a request spans', async () => {
    // Prepare: three hours, out of order, one of them across a day boundary in UTC terms.
    const hours = [hourAgo(30), hourAgo(9), hourAgo(8)];
    const events = [hours[2]!, hours[0]!, hours[1]!, hours[2]!].map((hour, i) => ({ metric: 'sessions', ts: at(hour + 1000 * (i + 1)) }));

    // Act
    const answer = await ingest({ events });

    // Assess
    expect(answer.status).toBe(202);
    expect(answer.body.objects).toHaveLength(3);
    const prefixes = answer.body.objects.map((key: string) => key.slice(0, key.lastIndexOf('/') + 1));
    expect(prefixes).toEqual([...hours].sort().map((hour) => `events/dt=${at(hour).slice(0, 10)}/hour=${at(hour).slice(11, 13)}/`));
    const perObject = await Promise.all(answer.body.objects.map((key: string) => readEventObject(storage, key)));
    expect(perObject.map((lines) => lines.length)).toEqual([1, 1, 2]);
    for (const [index, lines] of perObject.entries()) {
      for (const line of lines) expect(Math.floor(Date.parse(String(line['ts'])) / HOUR_MS) * HOUR_MS).toBe([...hours].sort()[index]);
    }
    const allKeys = await eventObjectKeys(storage);
    expect(answer.body.objects.every((key: string) => allKeys.includes(key))).toBe(true);
  });

  it.each([
    { name: 'malformed JSON', body: '{"events": [', contentType: 'application/json', message: /not valid JSON/ },
    { name: 'a top-level array', body: '[{"metric":"orders"}]', contentType: 'application/json', message: /must be a JSON object/ },
    { name: 'events that is not an array', body: '{"events": {"metric":"orders"}}', contentType: 'application/json', message: /"events" must be an array/ },
    { name: 'an unknown top-level field', body: '{"events": [], "source": "x"}', contentType: 'application/json', message: /unknown field\(s\) "source"/ },
    { name: 'an empty body', body: '  ', contentType: 'application/json', message: /a body is required/ },
    { name: 'no events at all', body: '{"events": []}', contentType: 'application/json', message: /no events/ },
  ])('answers 400 with a message for $name, and writes nothing', async ({ body, contentType, message }) => {
    // Prepare
    const before = await eventObjectKeys(storage);

    // Act
    const answer = await ingest(body, { contentType });

    // Assess
    expect(answer.status).toBe(400);
    expect(answer.body.error.message).toMatch(message);
    expect(await eventObjectKeys(storage)).toEqual(before);
    expect(invoker.calls).toEqual([]);
  });

  it('answers 400 listing every reason when no event is valid', async () => {
    // Act
    const answer = await ingest({ events: [{ metric: 'orders', ts: 'yesterday' }, { metric: 'orders', ts: at(hourAgo(1)), value: null }] });

    // Assess
    expect(answer.status).toBe(400);
    expect(answer.body.error).toEqual({ code: 'no_valid_events', message: expect.stringMatching(/none of the 2 events is valid/) });
    expect(answer.body.rejected.map((r: { index: number }) => r.index)).toEqual([0, 1]);
    expect(answer.body.accepted).toBe(0);
  });

  it('answers 413 for a body past the 10 MB limit', async () => {
    // Prepare: a syntactically fine body, one byte too many.
    const padding = 'x'.repeat(MAX_BODY_BYTES);
    const body = JSON.stringify({ events: [{ metric: 'orders', ts: at(hourAgo(1)), dims: { note: padding } }] });

    // Act
    const answer = await ingest(body);

    // Assess
    expect(Buffer.byteLength(body)).toBeGreaterThan(MAX_BODY_BYTES);
    expect(answer.status).toBe(413);
    expect(answer.body.error).toEqual({ code: 'payload_too_large', message: `the request body is larger than ${MAX_BODY_BYTES} bytes` });
  });

  it.each(['application/json', 'application/x-ndjson'])('answers 413 naming the limit for 50,000 events (%s)', async (contentType) => {
    // Prepare
    const event = { metric: 'orders', ts: at(hourAgo(1)) };
    const events = Array.from({ length: 50_000 }, () => event);
    const body = contentType === 'application/json' ? JSON.stringify({ events }) : events.map((e) => JSON.stringify(e)).join('\n');

    // Act
    const answer = await ingest(body, { contentType });

    // Assess
    expect(answer.status).toBe(413);
    expect(answer.body.error.code).toBe('too_many_events');
    expect(answer.body.error.message).toContain(`at most ${EVENT_LIMITS.maxEventsPerRequest} per request`);
    expect(answer.body.error.message).toContain('50000 events');
  });

  it('needs the ingest scope', async () => {
    // Prepare
    const body = { events: [{ metric: 'orders', ts: at(hourAgo(1)) }] };

    // Act
    const anonymous = await api.call('POST', '/events', { body });
    const reader = await ingest(body, { token: TEST_TOKENS.read });
    const admin = await ingest(body, { token: TEST_TOKENS.admin });

    // Assess
    expect(anonymous.status).toBe(401);
    expect(reader.status).toBe(403);
    expect(reader.body.error.message).toMatch(/lacks the ingest scope/);
    expect(admin.status).toBe(202);
  });
});
