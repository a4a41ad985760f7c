import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RouteKey } from '../../../functions/api/route-specs';
import { routeSpecs } from '../../../functions/api/route-specs';
import { OPENAPI_FILE, openApiText } from '../../../infra/openapi/write-openapi';
import { contractProblems, TEST_TOKENS, testApi, type TestApi, type ApiAnswer, type ApiCall } from '../../helpers/api';
import { HandlerInvoker } from '../../helpers/invokers';
import { snapshotConfig } from '../../helpers/snapshot-bed';
import { createTestStorage, type TestStorage } from '../../helpers/storage';
import { buildTestConsole } from '../../helpers/console-build';

const admin = TEST_TOKENS.admin;
const read = TEST_TOKENS.read;

describe('the API answers as its OpenAPI contract says', () => {
  let storage: TestStorage;
  let api: TestApi;
  const invoker = new HandlerInvoker(['snapshot', 'sweeper']);
  const seen = new Set<RouteKey>();
  const problems: string[] = [];

  /** One request, its answer checked against the route's contract. */
  async function call(routeKey: RouteKey, path: string, request: ApiCall = {}): Promise<ApiAnswer> {
    const answer = await api.call(routeKey.split(' ')[0]!, path, request);
    seen.add(routeKey);
    problems.push(...contractProblems(routeKey, answer));
    return answer;
  }

  let builtConsole: Awaited<ReturnType<typeof buildTestConsole>>;

  beforeAll(async () => {
    builtConsole = await buildTestConsole();
    storage = await createTestStorage('api-contract');
    api = testApi(storage, snapshotConfig(), { invoker, variables: { NIGHTSHIFT_CONSOLE_DIR: builtConsole.dir } });
    invoker.serve(api.runtime);
  });

  afterAll(async () => {
    await storage.destroy();
    await builtConsole.remove();
  });

  it('docs/openapi.json is the document the server serves (run `npm run openapi` after changing a route)', async () => {
    // Act
    const served = await call('GET /openapi.json', '/openapi.json');

    // Assess
    expect(readFileSync(OPENAPI_FILE, 'utf8')).toBe(openApiText());
    expect(served.body).toEqual(JSON.parse(readFileSync(OPENAPI_FILE, 'utf8')));
    expect(Object.keys(served.body.paths).sort()).toEqual([...new Set(routeSpecs.map((spec) => spec.path))].sort());
  });

  it('every route, on its success and error paths, answers with a status and body its contract declares', async () => {
    // Act: a tour of the API, successes and failures.
    await call('GET /health', '/health');
    await call('GET /health/{type}', '/health/rollup', { pathParameters: { type: 'rollup' } });
    await call('GET /health/{type}', '/health/nope', { pathParameters: { type: 'nope' } });
    const page = await call('GET /console', '/console');
    const script = /console\/assets\/(app-[A-Z0-9]{8}\.js)/.exec(String(page.body))?.[1] ?? 'missing.js';
    await call('GET /console/assets/{file}', `/console/assets/${script}`, { pathParameters: { file: script } });
    await call('GET /console/assets/{file}', '/console/assets/nope.js', { pathParameters: { file: 'nope.js' } });
    await call('GET /me', '/me', { token: read });
    await call('GET /metrics', '/metrics', { token: read });
    const started = await call('POST /jobs', '/jobs', { token: admin, body: { type: 'sweeper' }, headers: { 'idempotency-key': 'tour-1' } });
    await call('POST /jobs', '/jobs', { token: admin, body: { type: 'sweeper' }, headers: { 'idempotency-key': 'tour-1' } });
    await call('POST /jobs', '/jobs', { token: admin, body: { type: 'sweeper', params: { x: 1 } }, headers: { 'idempotency-key': 'tour-1' } });
    await call('POST /jobs', '/jobs', { token: admin, body: { type: 'teleport' } });
    await call('POST /jobs', '/jobs', { token: read, body: { type: 'sweeper' } });
    await call('POST /jobs', '/jobs', { body: { type: 'sweeper' } });
    const oversized = await call('POST /jobs', '/jobs', { token: admin, body: { type: 'sweeper', params: { note: 'x'.repeat(70_000) } } });
    await call('POST /jobs/backfill', '/jobs/backfill', { token: admin, body: { type: 'snapshot', from: '2026-11-01', to: '2026-11-02' } });
    await call('POST /scheduler/trigger/{type}', '/scheduler/trigger/daily', { token: admin, pathParameters: { type: 'daily' } });
    await call('POST /scheduler/trigger/{type}', '/scheduler/trigger/daily', { token: admin, pathParameters: { type: 'daily' } });
    await call('POST /scheduler/trigger/{type}', '/scheduler/trigger/yearly', { token: admin, pathParameters: { type: 'yearly' } });
    await invoker.settle();
    await call('POST /jobs', '/jobs', { token: admin, body: { type: 'snapshot', period: '2026-11-01', force: true } });
    await invoker.settle();
    const id = started.body.job.id as string;
    await call('GET /jobs', '/jobs', { token: read, query: { limit: '2' } });
    await call('GET /jobs', '/jobs', { token: read, query: { status: 'nonsense' } });
    await call('GET /jobs/{id}', `/jobs/${id}`, { token: read, pathParameters: { id } });
    await call('GET /jobs/{id}', '/jobs/01ARZ3NDEKTSV4RRFFQ69G5FAV', { token: read, pathParameters: { id: '01ARZ3NDEKTSV4RRFFQ69G5FAV' } });
    await call('POST /jobs/{id}/release', `/jobs/${id}/release`, { token: admin, pathParameters: { id } });
    await call('GET /jobs/{id}/logs', `/jobs/${id}/logs`, { token: read, pathParameters: { id } });
    await call('GET /scheduler/tasks', '/scheduler/tasks', { token: read });
    const hourAgo = new Date(Date.now() - 3_600_000).toISOString();
    await call('GET /scheduler/tasks/{name}/slots', '/scheduler/tasks/sweeper/slots', { token: read, pathParameters: { name: 'sweeper' }, query: { from: hourAgo } });
    await call('GET /scheduler/tasks/{name}/slots', '/scheduler/tasks/sweeper/slots', { token: read, pathParameters: { name: 'sweeper' }, query: { from: new Date().toISOString(), to: hourAgo } });
    await call('GET /scheduler/tasks/{name}/slots', '/scheduler/tasks/nope/slots', { token: read, pathParameters: { name: 'nope' } });
    await call('GET /snapshots', '/snapshots', { token: read, query: { period: 'daily', from: '2026-11-01', to: '2026-11-30' } });
    await call('GET /snapshots', '/snapshots', { token: read, query: { period: 'hourly' } });
    await call('GET /scripts', '/scripts', { token: read });
    await call('GET /proofs', '/proofs', { token: read, query: { from: '2026-11-01', to: '2026-11-22' } });
    await call('GET /proofs/{date}', '/proofs/2026-11-01', { token: read, pathParameters: { date: '2026-11-01' } });
    await call('GET /proofs/{date}', '/proofs/2026-02-30', { token: read, pathParameters: { date: '2026-02-30' } });
    await call('POST /annotations', '/annotations', { token: admin, body: { kind: 'incident', from: '2026-11-20', to: '2026-11-21', metrics: ['orders'], note: 'payment outage' } });
    await call('POST /annotations', '/annotations', { token: admin, body: { kind: 'incident', from: '2026-11-20', metrics: ['visits'], note: 'x' } });
    await call('POST /annotations', '/annotations', { token: read, body: { kind: 'holiday', from: '2026-11-20', note: 'x' } });
    await call('GET /annotations', '/annotations', { token: read, query: { from: '2026-11-01', to: '2026-11-30' } });
    await call('GET /annotations', '/annotations', { token: read, query: { from: '2026-11-30', to: '2026-11-01' } });
    const now = new Date().toISOString();
    await call('POST /events', '/events', { token: TEST_TOKENS.ingest, body: { events: [{ metric: 'orders', ts: now, dims: { store: 's1' } }, { metric: 'orders', ts: 'yesterday' }] } });
    await call('POST /events', '/events', { token: TEST_TOKENS.ingest, body: '{"events": [' });
    await call('GET /stats', '/stats', { token: read, query: { metric: 'orders', from: '2026-11-01', to: '2026-11-02' } });
    await call('GET /stats', '/stats', { token: read, query: { metric: 'visits', from: '2026-11-01', to: '2026-11-02' } });
    await call('POST /internal/rollup/trigger', '/internal/rollup/trigger', { token: admin });
    await invoker.settle();

    // Assess
    expect(problems).toEqual([]);
    expect([oversized.status, oversized.body.error.code]).toEqual([413, 'payload_too_large']);
    const untested = routeSpecs.map((spec) => `${spec.method} ${spec.path}` as RouteKey).filter((key) => !seen.has(key));
    expect(untested).toEqual([]);
  });
});
