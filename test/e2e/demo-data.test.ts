import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startLocalCloudProcess, type LocalCloudProcess } from '../helpers/local-cloud-process';

const DEMO_LINE = /^Demo data: ([\d,]+) events (\d{4}-\d{2}-\d{2})\.\.(\d{4}-\d{2}-\d{2}) in (\d+) objects under events\/ \((\d+) ms\); rollup (\w{26}) queued/;

describe('demo data on the first start', () => {
  let dataDir: string | undefined;
  let cloud: LocalCloudProcess | undefined;

  afterAll(async () => {
    if (cloud && cloud.child.exitCode === null) await cloud.stop('SIGKILL');
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('writes about three weeks of events and queues a rollup over them, once', async () => {
    // Prepare
    dataDir = await mkdtemp(join(tmpdir(), 'nightshift-demo-'));

    // Act: a first start, then a second one on the same data.
    cloud = await startLocalCloudProcess({ dataDir });
    const line = cloud.output.find((l) => l.startsWith('Demo data:')) ?? '';
    const [, events, from, to, objects, ms, rollupId] = DEMO_LINE.exec(line) ?? [];
    const rollup = await cloud.request(`/jobs/${rollupId}`);
    const firstStartupMs = cloud.startupMs;
    await cloud.stop('SIGINT');
    cloud = await startLocalCloudProcess({ dataDir });
    const secondOutput = [...cloud.output];
    await cloud.stop('SIGINT');

    // Assess
    console.log(`${line}; first start ${firstStartupMs} ms, second ${cloud.startupMs} ms`);
    expect(line).toMatch(DEMO_LINE);
    expect(Number(events?.replace(/,/g, ''))).toBeGreaterThan(50_000);
    expect((Date.parse(to ?? '') - Date.parse(from ?? '')) / 86_400_000).toBe(20);
    expect(Number(objects)).toBeGreaterThan(20 * 24);
    // Budget 5 s on an idle machine; the margin is for a loaded test run.
    expect(Number(ms)).toBeLessThan(10_000);
    expect(rollup.body).toMatchObject({ type: 'rollup', trigger: 'backfill', triggeredBy: 'demo-data', params: { from, to } });
    expect(secondOutput.some((l) => l.startsWith('Demo data:'))).toBe(false);
  }, 60_000);
});
