import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { routeSpecs } from '../../../functions/api/route-specs';
import { TEST_TOKENS, testApi, type TestApi, type ApiCall } from '../../helpers/api';
import { RecordingInvoker } from '../../helpers/jobs';
import { snapshotConfig } from '../../helpers/snapshot-bed';
import { createTestStorage, type TestStorage } from '../../helpers/storage';

/** Names every plain object answers to through its prototype: a lookup `table[name]` finds them. */
const PROTOTYPE_NAMES = Object.getOwnPropertyNames(Object.prototype);

/** Every string a request carries into a lookup: path parameters, query values, body fields. */
const QUERY_NAMES = ['metric', 'groupBy', 'type', 'status', 'period', 'from', 'to', 'cursor'];

function callsWith(name: string): Array<{ method: string; path: string; call: ApiCall }> {
  const calls: Array<{ method: string; path: string; call: ApiCall }> = [];
  for (const spec of routeSpecs) {
    const params = [...spec.path.matchAll(/\{(\w+)\}/g)].map((match) => match[1]!);
    const path = spec.path.replace(/\{\w+\}/g, encodeURIComponent(name));
    const token = spec.scope === 'ingest' ? TEST_TOKENS.ingest : TEST_TOKENS.admin;
    const pathParameters = Object.fromEntries(params.map((param) => [param, name]));
    if (spec.method === 'GET') {
      for (const query of QUERY_NAMES) calls.push({ method: 'GET', path, call: { token, pathParameters, query: { [query]: name } } });
      calls.push({ method: 'GET', path, call: { token, pathParameters, query: { metric: name, from: '2026-11-01', to: '2026-11-02', groupBy: name } } });
    } else {
      const bodies: object[] = [
        { type: name },
        { type: 'snapshot', period: name },
        { type: 'script-run', params: { script: name, args: { [name]: name } } },
        { type: 'snapshot', from: name, to: name },
        { events: [{ metric: name, ts: new Date().toISOString(), dims: { [name]: name } }] },
      ];
      calls.push({ method: spec.method, path, call: { token, pathParameters } });
      for (const body of bodies) calls.push({ method: spec.method, path, call: { token, pathParameters, body } });
    }
  }
  return calls;
}

describe('request values that name Object.prototype members', () => {
  let storage: TestStorage;
  let api: TestApi;

  beforeAll(async () => {
    storage = await createTestStorage('prototype-keys');
    api = testApi(storage, snapshotConfig(), { invoker: new RecordingInvoker(), variables: { ENABLE_TEST_ENDPOINTS: 'true' } });
  });

  afterAll(async () => {
    await storage.destroy();
  });

  it.each(PROTOTYPE_NAMES)('are ordinary unknown names in every route: %s is a 4xx (or a success), never a 500', async (name) => {
    // Act
    const failures: string[] = [];
    for (const { method, path, call } of callsWith(name)) {
      const answer = await api.call(method, path, call);
      if (answer.status >= 500) failures.push(`${method} ${path} ${JSON.stringify(call.query ?? call.body ?? {})} → ${answer.status} ${JSON.stringify(answer.body)}`);
    }

    // Assess
    expect(failures).toEqual([]);
  });
});
