import { DateTime } from 'luxon';
import { TERMINAL_STATUSES } from '../../functions/client/types';
import type { LocalCloudProcess } from './local-cloud-process';

const DAY = '(\\d{4}-\\d{2}-\\d{2})';
const ID = '(\\w{26})';

/** The line the local cloud prints after writing the demo data and queueing its first runs. */
export const DEMO_LINE = new RegExp(
  `^Demo data: ([\\d,]+) events ${DAY}\\.\\.${DAY} in (\\d+) objects under events/ \\((\\d+) ms\\); ` +
    `queued rollup ${ID} \\(${DAY}\\.\\.${DAY}\\), rollup ${ID} \\(${DAY}\\.\\.${DAY}\\), script run ${ID} \\(events-summary\\); ` +
    `after the rollups: sampling proofs ${DAY}\\.\\.${DAY}, snapshot ${DAY}, snapshot (\\d{4}-W\\d{2}), export ${DAY}\\.\\.${DAY}\\. --no-demo skips this\\.$`,
);

/** The line it prints once the demo's rollups are done and the runs that need them are queued. */
export const FOLLOW_UP_LINE = /^Demo data: rollups done after [\d.]+ s; queued sampling proofs \S+ \(14 queued\), daily snapshot \S+ \w{26}, weekly snapshot \S+ \w{26}, export \S+ \w{26}\.$/;

export const isTerminal = (status: string): boolean => (TERMINAL_STATUSES as readonly string[]).includes(status);

export const daysBefore = (day: string, days: number): string => DateTime.fromISO(day, { zone: 'utc' }).minus({ days }).toISODate() ?? '';

export async function waitFor(condition: () => Promise<boolean>, timeoutMs: number, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`${what} not met within ${timeoutMs} ms`);
    await new Promise((done) => setTimeout(done, 250));
  }
}

/**
 * The demo's runs, once the follow-up line is printed and every run the demo queued has ended.
 * Fails with the cloud's last output when that takes longer than `deadline` (epoch ms).
 */
export async function demoRunsEnded(cloud: LocalCloudProcess, deadline: number): Promise<any[]> {
  for (;;) {
    const followedUp = cloud.output.some((line) => line.startsWith('Demo data: rollups done') || line.includes('were not queued'));
    const { body } = await cloud.request('/jobs?limit=100');
    const demoRuns = (body.items as any[]).filter((job) => job.triggeredBy === 'demo-data');
    if (followedUp && demoRuns.every((job) => isTerminal(job.status))) return demoRuns;
    if (Date.now() > deadline) throw new Error(`the demo runs did not end in time:\n${cloud.output.slice(-20).join('\n')}`);
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
}

/** A run's record once it has ended (a run waiting behind a lease is tried again by itself). */
export async function runEnded(cloud: LocalCloudProcess, jobId: string, timeoutMs: number): Promise<any> {
  let job: any;
  await waitFor(async () => {
    job = (await cloud.request(`/jobs/${jobId}`)).body;
    return isTerminal(job.status);
  }, timeoutMs, `run ${jobId} to end`);
  return job;
}
