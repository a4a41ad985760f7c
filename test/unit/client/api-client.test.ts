import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiConnectionError, ApiError, NightshiftClient } from '../../../functions/client/api-client';
import { FakeApi } from '../../helpers/fake-api';

describe('NightshiftClient', () => {
  const api = new FakeApi({
    'GET /jobs/01ABC': () => ({ status: 404, body: { error: { code: 'not_found', message: 'no job with id "01ABC"' } } }),
    'GET /jobs': (request) => ({ status: 200, body: { items: [], nextCursor: null, echo: request.query } }),
    'GET /health': () => ({ status: 503, body: { status: 'degraded', version: '1', time: 't', jobs: {} } }),
    'GET /stats': () => ({ status: 502, raw: '<html>Bad Gateway</html>' }),
    'GET /snapshots': () => ({ status: 500, body: { message: 'not our error shape' } }),
    'POST /events': (request) =>
      request.body.includes('good')
        ? { status: 202, body: { accepted: 1, rejected: [{ index: 1, error: 'metric is required' }], objects: ['events/x'] } }
        : { status: 400, body: { error: { code: 'no_valid_events', message: 'no event is valid' }, accepted: 0, rejected: [{ index: 0, error: 'bad' }], objects: [] } },
    'POST /jobs': (request) => ({ status: 202, body: { job: { id: 'J1', echo: JSON.parse(request.body) as unknown, key: request.headers['idempotency-key'] } } }),
    'GET /slow': () => new Promise((done) => setTimeout(() => done({ status: 200, body: {} }), 500)),
  });
  let client: NightshiftClient;

  beforeAll(async () => {
    await api.start();
    client = new NightshiftClient({ baseUrl: `${api.url}/`, token: 'secret' });
  });

  afterAll(async () => {
    await api.stop();
  });

  it("turns the API's error shape into an ApiError with status, code and message", async () => {
    // Act
    const error = await client.getJob('01ABC').catch((caught: unknown) => caught);

    // Assess
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status: 404, code: 'not_found', message: 'no job with id "01ABC"' });
    expect(api.requests.at(-1)?.headers['authorization']).toBe('Bearer secret');
  });

  it('names a body that is not JSON, and falls back to http_<status> for another error shape', async () => {
    // Act
    const notJson = await client.stats({ metric: 'revenue', from: '2026-11-01', to: '2026-11-02' }).catch((caught: unknown) => caught);
    const otherShape = await client.snapshots().catch((caught: unknown) => caught);

    // Assess
    expect(notJson).toMatchObject({ status: 502, code: 'bad_response' });
    expect((notJson as Error).message).toContain('<html>Bad Gateway</html>');
    expect(otherShape).toMatchObject({ status: 500, code: 'http_500', message: 'GET /snapshots answered 500' });
  });

  it('reports a refused connection as an ApiConnectionError naming the URL', async () => {
    // Prepare: a port nobody listens on (the fake server's, after a throwaway server closed).
    const gone = await new FakeApi().start();
    await gone.stop();
    const offline = new NightshiftClient({ baseUrl: gone.url });

    // Act
    const error = await offline.listJobs().catch((caught: unknown) => caught);

    // Assess
    expect(error).toBeInstanceOf(ApiConnectionError);
    expect((error as ApiConnectionError).url).toBe(`${gone.url}/jobs`);
    expect((error as Error).message).toContain('connection refused');
  });

  it('gives up after its timeout with a clear message', async () => {
    // Prepare
    const impatient = new NightshiftClient({ baseUrl: api.url, timeoutMs: 50 });
    const slow = (impatient as unknown as { request: (method: string, path: string) => Promise<unknown> }).request.bind(impatient);

    // Act
    const error = await slow('GET', '/slow').catch((caught: unknown) => caught);

    // Assess
    expect(error).toBeInstanceOf(ApiConnectionError);
    expect((error as Error).message).toContain('no answer within 0.05 s');
  });

  it('sends query parameters, encodes path segments and passes an Idempotency-Key', async () => {
    // Act
    const page = (await client.listJobs({ type: 'snapshot', limit: 5 })) as unknown as { echo: Record<string, string> };
    const missing = await client.getJob('../health').catch((caught: unknown) => caught);
    const submitted = await client.submitJob({ type: 'sweeper' }, { idempotencyKey: 'k-1' });

    // Assess
    expect(page.echo).toEqual({ type: 'snapshot', limit: '5' });
    expect(api.requests.some((request) => request.path === '/jobs/..%2Fhealth')).toBe(true);
    expect(missing).toBeInstanceOf(ApiError);
    expect(submitted.httpStatus).toBe(202);
    expect(submitted.job).toMatchObject({ id: 'J1', echo: { type: 'sweeper' }, key: 'k-1' });
  });

  it('returns rejected events as data, also when no event of a request is valid', async () => {
    // Act
    const some = await client.sendNdjson('{"good":1}\n{}');
    const none = await client.sendEvents([{}]);

    // Assess
    expect(some).toEqual({ accepted: 1, rejected: [{ index: 1, error: 'metric is required' }], objects: ['events/x'] });
    expect(none).toEqual({ accepted: 0, rejected: [{ index: 0, error: 'bad' }], objects: [] });
    expect(api.requests.at(-2)?.headers['content-type']).toBe('application/x-ndjson');
  });

  it('treats a degraded health (503) as an answer', async () => {
    // Act
    const health = await client.health();

    // Assess
    expect(health.status).toBe('degraded');
  });

  it('refuses a base URL that is not http(s)', () => {
    // Act / Assess
    expect(() => new NightshiftClient({ baseUrl: 'localhost:3000' })).toThrow(/must be http\(s\)|not a URL/);
    expect(() => new NightshiftClient({ baseUrl: 'nope' })).toThrow('not a URL: "nope"');
  });
});
