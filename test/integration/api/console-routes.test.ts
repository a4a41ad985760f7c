import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { previousPeriod } from '../../../functions/core/time/periods';
import { buildTestConsole } from '../../helpers/console-build';
import { apiEvent, TEST_TOKENS, testApi, type TestApi } from '../../helpers/api';
import { HandlerInvoker } from '../../helpers/invokers';
import { snapshotConfig } from '../../helpers/snapshot-bed';
import { createTestStorage, type TestStorage } from '../../helpers/storage';

const config = {
  ...snapshotConfig(),
  schedules: {
    'nightly-snapshot': { job: 'snapshot', expression: 'cron(0 3 * * ? *)', enabled: true, period: 'previous-day', params: {}, gate: 'on' },
    'weekly-csv': { job: 'export', expression: 'cron(0 4 ? * MON *)', enabled: true, period: 'previous-week', params: { name: 'weekly', format: 'csv' }, gate: 'on' },
  },
} as ReturnType<typeof snapshotConfig>;

describe('console and session routes', () => {
  let storage: TestStorage;
  let api: TestApi;
  let builtConsole: Awaited<ReturnType<typeof buildTestConsole>>;
  const invoker = new HandlerInvoker();

  beforeAll(async () => {
    builtConsole = await buildTestConsole();
    storage = await createTestStorage('console-routes');
    api = testApi(storage, config, { invoker, variables: { NIGHTSHIFT_CONSOLE_DIR: builtConsole.dir } });
  });

  afterAll(async () => {
    await storage.destroy();
    await builtConsole.remove();
  });

  it('GET /console serves the page with a strict Content-Security-Policy, and the files it names', async () => {
    // Act
    const page = await api.call('GET', '/console');
    const assetNames = [...String(page.body).matchAll(/console\/assets\/([^"]+)"/g)].map((match) => match[1]!);
    const assets = await Promise.all(assetNames.map((file) => api.call('GET', `/console/assets/${file}`, { pathParameters: { file } })));

    // Assess
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(page.headers['cache-control']).toBe('no-cache');
    const csp = page.headers['content-security-policy'] ?? '';
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("connect-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain('unsafe');
    expect(page.body).not.toMatch(/<script>|<style>|(src|href)="https?:/);
    expect(assetNames.map((name) => name.replace(/-[A-Z0-9]{8}\./, '-HASH.')).sort()).toEqual(['app-HASH.css', 'app-HASH.js']);
    expect(assets.map((asset) => asset.status)).toEqual([200, 200]);
    expect(assets.map((asset) => asset.headers['cache-control'])).toEqual(['public, max-age=31536000, immutable', 'public, max-age=31536000, immutable']);
    expect(assets.map((asset) => asset.headers['content-type']).sort()).toEqual(['text/css; charset=utf-8', 'text/javascript; charset=utf-8']);
  });

  it('GET /console/ sends the browser to /console, where the relative asset links resolve, keeping a stage prefix', async () => {
    // Act
    const answer = await api.call('GET', '/console/');

    // Assess
    expect(answer.status).toBe(308);
    expect(answer.headers['location']).toBe('../console');
    expect(new URL(answer.headers['location']!, 'https://api.example.com/prod/console/').pathname).toBe('/prod/console');
    expect(new URL(answer.headers['location']!, 'http://127.0.0.1:3000/console/#/jobs').href).toBe('http://127.0.0.1:3000/console');
  });

  it('compresses for browsers that accept gzip, and serves nothing outside the console', async () => {
    // Prepare
    const page = await api.call('GET', '/console');
    const script = /console\/assets\/(app-[A-Z0-9]{8}\.js)/.exec(String(page.body))![1]!;

    // Act
    const raw = (await api.handler(apiEvent('GET', `/console/assets/${script}`, { pathParameters: { file: script }, headers: { 'accept-encoding': 'gzip, br' } }), {} as Context)) as APIGatewayProxyStructuredResultV2;
    const plain = await api.call('GET', `/console/assets/${script}`, { pathParameters: { file: script } });
    const escapes = await Promise.all(
      ['..%2Fpackage.json', '.hidden', 'index.html', 'nope.js'].map((file) => api.call('GET', `/console/assets/${file}`, { pathParameters: { file: decodeURIComponent(file) } })),
    );

    // Assess
    expect(raw.headers?.['content-encoding']).toBe('gzip');
    expect(gunzipSync(Buffer.from(raw.body ?? '', 'base64')).toString('utf8')).toBe(plain.body);
    expect(escapes.map((answer) => [answer.status, answer.body.error.code])).toEqual([
      [404, 'console_file_not_found'],
      [404, 'console_file_not_found'],
      [404, 'console_file_not_found'],
      [404, 'console_file_not_found'],
    ]);
  });

  it('says so when the console is not built into the deployment', async () => {
    // Prepare
    const empty = await mkdtemp(join(tmpdir(), 'nightshift-no-console-'));
    const withoutConsole = testApi(storage, config, { invoker, variables: { NIGHTSHIFT_CONSOLE_DIR: empty } });

    // Act
    const answer = await withoutConsole.call('GET', '/console');
    await rm(empty, { recursive: true, force: true });

    // Assess
    expect(answer.status).toBe(404);
    expect(answer.body.error.code).toBe('console_not_built');
    expect(answer.body.error.message).toContain('npm run console:build');
  });

  it('GET /me names the token and its scopes; GET /metrics lists what the config declares', async () => {
    // Act
    const [admin, reader, ingest, anonymous] = await Promise.all([
      api.call('GET', '/me', { token: TEST_TOKENS.admin }),
      api.call('GET', '/me', { token: TEST_TOKENS.read }),
      api.call('GET', '/me', { token: TEST_TOKENS.ingest }),
      api.call('GET', '/me'),
    ]);
    const metrics = await api.call('GET', '/metrics', { token: TEST_TOKENS.read });

    // Assess
    expect(admin.body).toEqual({ name: 'admin', scopes: ['admin', 'ingest', 'read'] });
    expect(reader.body).toEqual({ name: 'read', scopes: ['read'] });
    expect([ingest.status, anonymous.status]).toEqual([403, 401]);
    expect(metrics.status).toBe(200);
    expect(metrics.body.timezone).toBe(config.timezone);
    expect(metrics.body.metrics.map((metric: { name: string }) => metric.name)).toEqual(Object.keys(config.metrics).sort());
    expect(metrics.body.dimensions).toEqual(config.dimensions);
  });

  it('POST /scheduler/trigger/{schedule name} starts that schedule\'s job with its period and params', async () => {
    // Act
    const now = new Date();
    const snapshot = await api.call('POST', '/scheduler/trigger/nightly-snapshot', { token: TEST_TOKENS.admin, pathParameters: { type: 'nightly-snapshot' } });
    const exported = await api.call('POST', '/scheduler/trigger/weekly-csv', { token: TEST_TOKENS.admin, pathParameters: { type: 'weekly-csv' } });

    // Assess
    const options = { timezone: config.timezone, weekStartsOn: config.weekStartsOn };
    expect(snapshot.status).toBe(202);
    expect(snapshot.body.job).toMatchObject({ type: 'snapshot', period: previousPeriod('day', now, options).key, params: {} });
    expect(exported.status).toBe(202);
    expect(exported.body.job).toMatchObject({ type: 'export', period: previousPeriod('week', now, options).key, params: { name: 'weekly', format: 'csv' } });
  });
});
