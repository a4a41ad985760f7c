import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { catalogEntry, jobFunctionSpec } from '../../../functions/catalog';
import { makeJobHandler } from '../../../functions/runtime/job-handler';
import { submitRun } from '../../../functions/core/jobs/submit-run';
import type { JobRecord } from '../../../functions/core/jobs/record';
import { scriptRunParamsFor } from '../../../functions/jobs/script-run/params';
import { testCloud, type TestApi } from '../../helpers/api';
import { fixtureManifest, fixtureScriptJob, scriptTestConfig } from '../../helpers/scripts';
import { createTestStorage, type TestStorage } from '../../helpers/storage';

const config = scriptTestConfig({ maxConcurrency: 3 });

describe('script runs: the concurrency cap', () => {
  let storage: TestStorage;
  let api: TestApi;
  const invokeErrors: string[] = [];

  beforeAll(async () => {
    storage = await createTestStorage('script-concurrency');
    // The local cloud's lane of the script runner: the cap from config, the handler over the test whitelist.
    const spec = jobFunctionSpec(catalogEntry('script-run'), config);
    api = testCloud(storage, config, {
      onError: (invocation, error) => invokeErrors.push(`${invocation.jobId}: ${String(error)}`),
      lanes: (runtime) => [{ type: 'script-run', maxConcurrency: spec.maxConcurrency, timeoutMs: spec.timeoutSeconds * 1000, handler: makeJobHandler(fixtureScriptJob(), runtime.deps) }],
    });
  });

  afterAll(async () => {
    await storage.destroy();
  });

  it('runs 10 submitted at once at most 3 at a time, the rest queued and started in order', async () => {
    // Prepare
    const { deps } = api.runtime;
    const entry = { type: 'script-run' as const, periodTypes: [], params: scriptRunParamsFor(fixtureManifest()) };

    // Act: ten submissions in one go, one after the other (submission order = creation order).
    const submitted: JobRecord[] = [];
    for (let i = 0; i < 10; i++) {
      const result = await submitRun(deps, { entry, trigger: 'api', triggeredBy: 'test', params: { script: 'sleeper', args: { ms: 300 } } });
      submitted.push(result.job);
    }
    const queuedRightAfter = (await Promise.all(submitted.map((job) => deps.ledger.get(job.id)))).filter((job) => job?.status === 'queued').length;
    const finished = await waitForAll(submitted.map((job) => job.id));

    // Assess
    expect(invokeErrors).toEqual([]);
    expect(finished.map((job) => job.status)).toEqual(Array(10).fill('succeeded'));
    expect(queuedRightAfter).toBeGreaterThanOrEqual(7);
    const intervals = finished.map((job) => [Date.parse(job.startedAt!), Date.parse(job.finishedAt!)] as const);
    expect(maxOverlap(intervals)).toBe(3);
    // The first three start together (their order among themselves is a race); the seven that
    // waited start in submission order, each when a slot frees. Runs dequeued in the same wave
    // (slots freed together) record `startedAt` a few ms apart in either order, but a later
    // submission never starts a wave (≈ 300 ms) before an earlier one.
    const firstWave = [...finished].sort((a, b) => a.startedAt!.localeCompare(b.startedAt!)).slice(0, 3).map((job) => job.id);
    expect(firstWave.sort()).toEqual(submitted.slice(0, 3).map((job) => job.id).sort());
    const waitedStarts = finished.slice(3).map((job) => Date.parse(job.startedAt!));
    const SAME_WAVE_MS = 100;
    const overtaken = waitedStarts.flatMap((start, j) => waitedStarts.slice(0, j).filter((earlier) => start < earlier - SAME_WAVE_MS).map((earlier) => `run ${j + 4} started ${earlier - start} ms before an earlier submission`));
    expect(overtaken).toEqual([]);
    expect(Math.min(...waitedStarts)).toBeGreaterThanOrEqual(Math.min(...finished.slice(0, 3).map((job) => Date.parse(job.finishedAt!))));
  });

  async function waitForAll(ids: string[]): Promise<JobRecord[]> {
    const { deps } = api.runtime;
    for (let attempt = 0; attempt < 200; attempt++) {
      const jobs = await Promise.all(ids.map((id) => deps.ledger.get(id)));
      if (jobs.every((job) => job && !['queued', 'running'].includes(job.status))) return jobs as JobRecord[];
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error('the runs did not finish within 20 s');
  }
});

/** The most intervals open at one instant (an end at t comes before a start at t). */
function maxOverlap(intervals: ReadonlyArray<readonly [number, number]>): number {
  const points = intervals.flatMap(([start, end]) => [[start, 1], [end, -1]] as const).sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let open = 0;
  let most = 0;
  for (const [, delta] of points) most = Math.max(most, (open += delta));
  return most;
}
