import { Readable } from 'node:stream';
import { makeApiHandler } from '../../functions/api/handler';
import { createLogger } from '../../functions/adapters/logger';
import type { NightshiftConfig } from '../../functions/core/config';
import { handleInvocation } from '../../functions/core/jobs/handle-invocation';
import { apiContextOf } from '../../functions/runtime/api-context';
import { buildRuntime, type Runtime } from '../../functions/runtime/runtime';
import { everyAwsAdapter } from '../../functions/runtime/wiring/every-adapter';
import { S3ArtifactStore } from '../../functions/adapters/s3/artifact-store';
import type { RuntimeEnvironment } from '../../functions/adapters/environment';
import { aggregateObject, newContribution } from '../../functions/jobs/rollup/aggregate';
import { aggregateOptions } from '../../functions/jobs/rollup/absorb';
import { createRollupJob } from '../../functions/jobs/rollup/rollup-run';
import { callFunction, TEST_TOKENS, testEnvironment, type ApiCall } from '../../test/helpers/api';
import { RecordingInvoker } from '../../test/helpers/jobs';
import type { TestStorage } from '../../test/helpers/storage';
import { ingestRequest, addTotals, BENCH_METRICS } from './workload';

export type Totals = Map<string, { count: number; sum: number }>;
export type ApiCaller = (method: string, path: string, call?: ApiCall) => Promise<{ status: number; body: unknown }>;

/** The API function over a runtime of its own on the benchmark's clients (so their requests are counted); rollups are only recorded. */
export function countedApi(storage: TestStorage, config: NightshiftConfig): { call: ApiCaller; runtime: Runtime } {
  const adapters = { ...everyAwsAdapter, s3: (env: RuntimeEnvironment) => new S3ArtifactStore(storage.s3, env.bucket) };
  const runtime = buildRuntime(testEnvironment(storage, config), { adapters, invoker: new RecordingInvoker(), clients: { dynamodb: storage.documentClient } });
  const context = apiContextOf(runtime);
  return { runtime, call: callerOf(makeApiHandler(() => context, createLogger())) };
}

export function callerOf(api: ReturnType<typeof makeApiHandler>): ApiCaller {
  return (method, path, call) => callFunction(api, method, path, call);
}

export async function postEvents(call: ApiCaller, body: string): Promise<void> {
  const answer = await call('POST', '/events', { token: TEST_TOKENS.ingest, body, contentType: 'application/x-ndjson' });
  if (answer.status !== 202 || (answer.body as { rejected?: unknown[] }).rejected?.length) throw new Error(`POST /events answered ${answer.status}: ${JSON.stringify(answer.body).slice(0, 300)}`);
}

/** `requests` bodies of `eventsPerRequest` events, sent by `clients` clients one after the other each. */
export async function ingestConcurrently(call: ApiCaller, input: { requests: number; eventsPerRequest: number; clients: number; seed: number }): Promise<{ seconds: number; events: number; totals: Totals }> {
  const totals: Totals = new Map();
  let events = 0;
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: input.clients }, async () => {
      while (next < input.requests) {
        const index = next++;
        const request = ingestRequest(input.seed + index, input.eventsPerRequest, Date.now(), 10 * 60_000);
        await postEvents(call, request.body);
        events += request.events;
        addTotals(totals, request.totals);
      }
    }),
  );
  return { seconds: (performance.now() - started) / 1000, events, totals };
}

/** One debounced rollup through the job wrapper, as its function runs it. */
export async function runOneRollup(runtime: Runtime): Promise<{ seconds: number; summary: Record<string, unknown> }> {
  const started = performance.now();
  const result = await handleInvocation(createRollupJob(runtime.services.rollup), { type: 'rollup', trigger: 'debounce' }, runtime.deps, { remainingMs: 900_000, marginMs: 10_000 });
  const seconds = (performance.now() - started) / 1000;
  if (result.outcome === 'rejected' || (result.job.status !== 'succeeded' && result.job.status !== 'warning')) throw new Error(`the rollup did not succeed: ${JSON.stringify(result).slice(0, 500)}`);
  return { seconds, summary: (result.job.summary ?? {}) };
}

/** The rollup's hot path alone over the same objects, already in memory: aggregateObject, one after the other. */
export async function hotPath(storage: TestStorage, config: NightshiftConfig): Promise<{ seconds: number; events: number; objects: number }> {
  const bodies: Buffer[] = [];
  for await (const object of storage.artifactStore.list('events/')) {
    const chunks: Uint8Array[] = [];
    for await (const chunk of await storage.artifactStore.get(object.key)) chunks.push(chunk);
    bodies.push(Buffer.concat(chunks));
  }
  const options = aggregateOptions(config);
  const total = newContribution();
  const started = performance.now();
  for (const body of bodies) await aggregateObject(Readable.from([body]), true, options, total);
  return { seconds: (performance.now() - started) / 1000, events: total.events, objects: bodies.length };
}

/** Differences between GET /stats (every metric, the days given) and the independently computed totals; empty when exact. */
export async function statsProblems(call: ApiCaller, expected: Totals, days: readonly string[]): Promise<string[]> {
  const problems: string[] = [];
  const [from, to] = [days[0] ?? '', days.at(-1) ?? ''];
  const seen = new Set<string>();
  for (const metric of BENCH_METRICS) {
    const answer = await call('GET', '/stats', { token: TEST_TOKENS.read, query: { metric, from, to } });
    if (answer.status !== 200) throw new Error(`GET /stats answered ${answer.status}: ${JSON.stringify(answer.body)}`);
    for (const item of (answer.body as { items: Array<{ day: string; count: number; sum: number; complete: boolean }> }).items) {
      const key = `${metric}\u0001${item.day}`;
      seen.add(key);
      const want = expected.get(key);
      if (!item.complete) problems.push(`${metric} ${item.day}: not complete`);
      if (want === undefined) problems.push(`${metric} ${item.day}: ${item.count} events in /stats, none sent`);
      else if (want.count !== item.count || Math.abs(want.sum - item.sum) > 1e-9 * Math.max(1, Math.abs(want.sum))) problems.push(`${metric} ${item.day}: /stats ${item.count} events, sum ${item.sum}; sent ${want.count}, sum ${want.sum}`);
    }
  }
  for (const key of expected.keys()) if (!seen.has(key)) problems.push(`${key.replace('\u0001', ' ')}: sent, missing from /stats`);
  return problems;
}
