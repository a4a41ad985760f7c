import { DateTime } from 'luxon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { steadyWebDay } from '../helpers/rollup-events';
import { startLocalCloudProcess, type LocalCloudProcess } from '../helpers/local-cloud-process';

const TIMEZONE = 'America/Los_Angeles';

/** Polls a run until it leaves queued/running. */
async function finished(cloud: LocalCloudProcess, id: string): Promise<Record<string, any>> {
  for (let attempt = 0; attempt < 120; attempt++) {
    const { body } = await cloud.request(`/jobs/${id}`);
    if (body.status !== 'queued' && body.status !== 'running') return body;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`run ${id} did not finish`);
}

describe('sampling proof through the local cloud', () => {
  let cloud: LocalCloudProcess;

  beforeAll(async () => {
    cloud = await startLocalCloudProcess({ args: ['--no-demo'] });
  }, 90_000);

  afterAll(async () => {
    if (cloud && cloud.child.exitCode === null) await cloud.stop('SIGKILL');
  });

  it('proves yesterday from ingested events (artifact, index, run status) and refuses a day still open', async () => {
    // Prepare: yesterday's events, every local hour (60 sessions, 3 orders worth 40 each).
    const yesterday = DateTime.now().setZone(TIMEZONE).minus({ days: 1 }).toISODate() ?? '';
    const events = steadyWebDay(yesterday, TIMEZONE);
    const ingest = await cloud.request('/events', { method: 'POST', body: { events } });

    // Act: prove it; then ask for a day that is still open.
    const submitted = await cloud.request('/jobs', { method: 'POST', body: { type: 'sampling-proof', period: yesterday } });
    const run = await finished(cloud, submitted.body.job.id);
    const proof = await cloud.request(`/proofs/${yesterday}`);
    const list = await cloud.request(`/proofs?from=${yesterday}&to=${yesterday}`);
    const today = DateTime.now().setZone(TIMEZONE).toISODate() ?? '';
    const open = await cloud.request('/jobs', { method: 'POST', body: { type: 'sampling-proof', period: today } });

    // Assess
    expect(ingest.status).toBe(202);
    expect(submitted.status).toBe(202);
    expect([run.status, run.exitCode]).toEqual(['succeeded', 0]);
    expect(run.artifacts.map((a: { key: string }) => a.key)).toEqual([`sampling-proofs/sampling-proof-${yesterday.replaceAll('-', '')}.json`]);
    expect(proof.status).toBe(200);
    expect(proof.body).toMatchObject({ schema: 'nightshift.sampling-proof/v1', date: yesterday, status: 'pass', exitCode: 0, anomalies: [] });
    const sessions = proof.body.checks.find((check: { id: string }) => check.id === 'range:sessions');
    expect(sessions.observed).toBe(events.filter((e) => e.metric === 'sessions').length);
    // No history yet: the trend checks are skipped, never scored against zeros.
    expect(proof.body.checks.filter((check: { kind: string }) => check.kind === 'trend').map((check: { reason: string }) => check.reason)).toEqual([
      'insufficient_history',
      'insufficient_history',
      'insufficient_history',
    ]);
    expect(list.body.items).toMatchObject([{ date: yesterday, status: 'pass', jobId: run.id }]);
    // Refused before anything is recorded: a run now would claim the day half done.
    expect([open.status, open.body.error.code]).toEqual([400, 'invalid_params']);
    expect(open.body.error.message).toContain(`period ${today} has not ended yet`);
  }, 90_000);
});
