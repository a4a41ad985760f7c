import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DateTime } from 'luxon';
import { afterAll, describe, expect, it } from 'vitest';
import { DEMO_DAYS, DEMO_INCIDENTS, DEMO_PROOF_DAYS } from '../../infra/local/demo-events';
import { startLocalCloudProcess, type LocalCloudProcess } from '../helpers/local-cloud-process';

const DAY = '(\\d{4}-\\d{2}-\\d{2})';
const ID = '(\\w{26})';
const DEMO_LINE = new RegExp(
  `^Demo data: ([\\d,]+) events ${DAY}\\.\\.${DAY} in (\\d+) objects under events/ \\((\\d+) ms\\); ` +
    `queued rollup ${ID} \\(${DAY}\\.\\.${DAY}\\), rollup ${ID} \\(${DAY}\\.\\.${DAY}\\), script run ${ID} \\(events-summary\\); ` +
    `after the rollups: sampling proofs ${DAY}\\.\\.${DAY}, snapshot ${DAY}, snapshot (\\d{4}-W\\d{2}), export ${DAY}\\.\\.${DAY}\\. --no-demo skips this\\.$`,
);
const FOLLOW_UP_LINE = /^Demo data: rollups done after [\d.]+ s; queued sampling proofs \S+ \(14 queued\), daily snapshot \S+ \w{26}, weekly snapshot \S+ \w{26}, export \S+ \w{26}\.$/;
const TERMINAL = ['succeeded', 'warning', 'failed', 'timed_out', 'skipped'];

const daysBefore = (day: string, days: number): string => DateTime.fromISO(day, { zone: 'utc' }).minus({ days }).toISODate() ?? '';

describe('demo data on the first start', () => {
  let dataDir: string | undefined;
  let cloud: LocalCloudProcess | undefined;

  afterAll(async () => {
    if (cloud && cloud.child.exitCode === null) await cloud.stop('SIGKILL');
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('writes eight weeks of events with planted incidents, runs the demo jobs, and the proofs find the incidents, once', async () => {
    // Prepare
    dataDir = await mkdtemp(join(tmpdir(), 'nightshift-demo-'));
    const started = Date.now();

    // Act: a first start; wait for every demo run to end; then a second start on the same data.
    cloud = await startLocalCloudProcess({ dataDir });
    const first = cloud;
    const line = first.output.find((l) => l.startsWith('Demo data:')) ?? '';
    const incidentsLine = first.output.find((l) => l.startsWith('Demo incidents')) ?? '';
    const match = DEMO_LINE.exec(line) ?? [];
    const [, events, from, to, objects, ms, , , , , , , scriptId, proofsFrom, proofsTo, dailySnapshot, weeklySnapshot, exportFrom, exportTo] = match;
    const firstStartupMs = first.startupMs;
    let demoRuns: any[] = [];
    for (;;) {
      const followedUp = first.output.some((l) => l.startsWith('Demo data: rollups done') || l.includes('were not queued'));
      const { body } = await first.request('/jobs?limit=100');
      demoRuns = (body.items as any[]).filter((job) => job.triggeredBy === 'demo-data');
      if (followedUp && demoRuns.every((job) => TERMINAL.includes(job.status))) break;
      if (Date.now() - started > 170_000) throw new Error(`the demo runs did not end in time:\n${first.output.slice(-20).join('\n')}`);
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
    const demoRunsMs = Date.now() - started;
    const proofs = (await first.request(`/proofs?from=${proofsFrom}&to=${proofsTo}`)).body.items as any[];
    const artifacts = new Map<string, any>();
    for (const proof of proofs) artifacts.set(proof.date, (await first.request(`/proofs/${proof.date}`)).body);
    const script = (await first.request(`/jobs/${scriptId}`)).body;
    const logs = (await first.request(`/jobs/${scriptId}/logs`)).body;
    await first.stop('SIGINT');
    cloud = await startLocalCloudProcess({ dataDir });
    const secondOutput = [...cloud.output];
    await cloud.stop('SIGINT');

    // Assess: what was written and queued.
    console.log(`${line}\n${first.output.find((l) => FOLLOW_UP_LINE.test(l))}\nfirst start ${firstStartupMs} ms, demo runs ended ${demoRunsMs} ms after the spawn, second start ${cloud.startupMs} ms`);
    expect(line).toMatch(DEMO_LINE);
    expect(first.output).toContainEqual(expect.stringMatching(FOLLOW_UP_LINE));
    expect(Number(events?.replace(/,/g, ''))).toBeGreaterThan(200_000);
    expect((Date.parse(to ?? '') - Date.parse(from ?? '')) / 86_400_000).toBe(DEMO_DAYS - 1);
    expect(Number(objects)).toBeGreaterThan((DEMO_DAYS - 1) * 24);
    // Budget 5 s on an idle machine; the margin is for a loaded test run.
    expect(Number(ms)).toBeLessThan(10_000);
    const yesterday = daysBefore(to ?? '', 1);
    expect([proofsFrom, proofsTo, dailySnapshot, exportFrom, exportTo]).toEqual([daysBefore(to ?? '', DEMO_PROOF_DAYS), yesterday, yesterday, daysBefore(to ?? '', DEMO_PROOF_DAYS), yesterday]);
    const byType = (type: string) => demoRuns.filter((job) => job.type === type);
    // A rollup's range is at most 31 days: the eight weeks take two.
    const rollups = byType('rollup').sort((a, b) => a.params.from.localeCompare(b.params.from));
    expect(rollups.map((job) => [job.status, job.trigger, job.params])).toEqual([
      ['succeeded', 'backfill', { from, to: daysBefore(to ?? '', DEMO_DAYS - 31) }],
      ['succeeded', 'backfill', { from: daysBefore(to ?? '', DEMO_DAYS - 32), to }],
    ]);
    expect(byType('snapshot').map((job) => [job.period, job.status]).sort()).toEqual([[dailySnapshot, 'succeeded'], [weeklySnapshot, 'succeeded']].sort());
    expect(byType('export').map((job) => [job.status, job.summary.rows > 0, job.artifacts.length])).toEqual([['succeeded', true, 1]]);
    expect(script).toMatchObject({ type: 'script-run', status: 'succeeded', params: { script: 'events-summary' } });
    expect(script.artifacts.map((artifact: any) => artifact.name).sort()).toEqual(['output/groups.csv', 'output/summary.json', 'stderr.log', 'stdout.log']);
    expect(logs.available).toBe(true);
    expect(demoRuns).toHaveLength(2 + 1 + DEMO_PROOF_DAYS + 2 + 1);

    // Assess: the proofs found exactly the planted incidents, with trend checks that ran.
    const plantedDay = (kind: string) => daysBefore(to ?? '', DEMO_INCIDENTS.find((incident) => incident.kind === kind)!.daysAgo);
    const [bulkOrder, missingHour, appOutage] = [plantedDay('bulk_order'), plantedDay('missing_hour'), plantedDay('app_outage')];
    for (const day of [bulkOrder, missingHour, appOutage]) expect(incidentsLine).toContain(day);
    expect(proofs.map((proof) => proof.date)).toEqual(Array.from({ length: DEMO_PROOF_DAYS }, (_, index) => daysBefore(to ?? '', DEMO_PROOF_DAYS - index)));
    const flagged = Object.fromEntries(proofs.filter((proof) => proof.status !== 'pass').map((proof) => [proof.date, proof.status]));
    expect(flagged).toEqual({ [bulkOrder]: 'critical', [missingHour]: 'warn', [appOutage]: 'critical' });
    const check = (day: string, id: string) => artifacts.get(day).checks.find((c: any) => c.id === id);
    expect(check(bulkOrder, 'trend:revenue')).toMatchObject({ status: 'critical', reason: 'large_change' });
    expect(check(missingHour, 'completeness:sessions')).toMatchObject({ status: 'warn', reason: 'hours_missing', observed: artifacts.get(missingHour).checks.find((c: any) => c.id === 'completeness:sessions').expected.max - 1 });
    expect(check(appOutage, 'trend:sessions')).toMatchObject({ status: 'critical' });
    expect(check(appOutage, 'trend:sessions').score).toBeLessThan(-5);
    const skippedTrends = [...artifacts.values()].flatMap((proof) => proof.checks.filter((c: any) => c.kind === 'trend' && c.status === 'skipped').map((c: any) => `${proof.date} ${c.id}`));
    expect(skippedTrends).toEqual([]);
    const runStatus = { pass: 'succeeded', warn: 'warning', critical: 'failed' } as Record<string, string>;
    expect(byType('sampling-proof').map((job) => [job.period, job.status]).sort()).toEqual(proofs.map((proof) => [proof.date, runStatus[proof.status]]));

    // Assess: a second start leaves the data alone.
    expect(secondOutput.some((l) => l.startsWith('Demo data:'))).toBe(false);
  }, 180_000);
});
