import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDynamoDbDocumentClient } from '../../functions/adapters/aws-clients';
import { systemClock } from '../../functions/adapters/clock';
import type { JobRecord } from '../../functions/core/jobs/record';
import { newJob, testLedger } from '../helpers/jobs';
import { malformedRequest, type MalformedRequest } from '../helpers/malformed-requests';
import { seededRandom } from '../helpers/rollup-events';
import { isAlive, startLocalCloudProcess, type LocalCloudProcess } from '../helpers/local-cloud-process';

async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

describe('the local cloud (npm start)', () => {
  let cloud: LocalCloudProcess;

  beforeAll(async () => {
    // No demo: the demo's own start is in console.test.ts; here the cloud itself is under test.
    cloud = await startLocalCloudProcess({ args: ['--no-demo'] });
  }, 90_000);

  afterAll(async () => {
    if (cloud && cloud.child.exitCode === null) await cloud.stop('SIGKILL');
  });

  it('answers /health soon after start', async () => {
    // Act
    const health = await cloud.request('/health', { token: null });

    // Assess
    expect(cloud.startupMs).toBeLessThan(30_000);
    expect(health.status).toBe(200);
    expect(health.body.status).toBe('ok');
    expect(health.body.jobs.sweeper).toMatchObject({ healthy: true, schedules: ['sweeper'], intervalMs: 300_000 });
  });

  it('lets the sweeper time out a run stuck in running past its deadline', async () => {
    // Prepare: a run that "crashed" an hour ago, as a Lambda hard timeout would leave it.
    const ledger = testLedger(createDynamoDbDocumentClient({ region: 'us-east-1', endpoint: cloud.ready.dynamodbEndpoint }), cloud.ready.names.jobsTable, systemClock);
    const anHourAgo = { now: () => new Date(Date.now() - 3_600_000) };
    const stuck = await ledger.enqueue(newJob({ type: 'sweeper', triggeredBy: 'e2e' }, anHourAgo));
    await ledger.transition(stuck, ['queued'], 'running', {
      startedAt: new Date(Date.now() - 3_600_000).toISOString(),
      deadlineAt: new Date(Date.now() - 3_000_000).toISOString(),
    });

    // Act: run the sweeper now rather than waiting for its 5-minute schedule.
    const submitted = await cloud.request('/jobs', { method: 'POST', body: { type: 'sweeper' } });
    const sweep = await waitFor('the sweep to finish', async () => {
      const { body } = await cloud.request(`/jobs/${submitted.body.job.id}`);
      return ['succeeded', 'failed', 'timed_out'].includes(body.status) ? (body as JobRecord) : undefined;
    });
    const after = await cloud.request(`/jobs/${stuck.id}`);

    // Assess
    expect(submitted.status).toBe(202);
    expect(sweep.status).toBe('succeeded');
    expect(sweep.summary).toMatchObject({ timedOut: 1, timedOutJobIds: [stuck.id] });
    expect(after.body.status).toBe('timed_out');
    expect(after.body.error.code).toBe('deadline_exceeded');
  });

  it('answers 1,000 random malformed requests without a 5xx, and keeps serving', async () => {
    // Prepare
    const requests = Array.from({ length: 1000 }, (_, index) => malformedRequest(seededRandom(20261123 + index), cloud.adminToken));
    const answers: Array<{ request: MalformedRequest; status: number; text: string }> = [];

    // Act: eight at a time, as a noisy client would.
    for (let start = 0; start < requests.length; start += 8) {
      await Promise.all(
        requests.slice(start, start + 8).map(async (request) => {
          const response = await fetch(`${cloud.ready.apiUrl}${request.path}`, {
            method: request.method,
            headers: request.headers,
            ...(request.body !== undefined ? { body: request.body } : {}),
          });
          answers.push({ request, status: response.status, text: await response.text() });
        }),
      );
    }
    const health = await cloud.request('/health', { token: null });

    // Assess
    const serverErrors = answers.filter((answer) => answer.status >= 500);
    expect(serverErrors.map((a) => `${a.request.method} ${a.request.path.slice(0, 80)} → ${a.status} ${a.text.slice(0, 120)}`)).toEqual([]);
    const badErrorBodies = answers.filter((answer) => {
      if (answer.status < 400 || answer.request.method === 'HEAD') return false;
      try {
        const body = JSON.parse(answer.text) as { error?: { code?: unknown; message?: unknown } };
        return typeof body.error?.code !== 'string' || typeof body.error.message !== 'string';
      } catch {
        return true;
      }
    });
    expect(badErrorBodies.map((a) => `${a.request.method} ${a.request.path.slice(0, 80)} → ${a.status} ${a.text.slice(0, 120)}`)).toEqual([]);
    expect(new Set(answers.map((answer) => answer.status)).size).toBeGreaterThan(3);
    expect(health.status).toBe(200);
    expect(cloud.child.exitCode).toBeNull();
  }, 120_000);

  it('stops cleanly on Ctrl-C and leaves no emulator process behind', async () => {
    // Prepare
    const { dynamodb, s3 } = cloud.ready.pids;
    expect(isAlive(dynamodb) && isAlive(s3)).toBe(true);

    // Act
    const code = await cloud.stop('SIGINT');

    // Assess
    expect(code).toBe(0);
    expect(isAlive(dynamodb)).toBe(false);
    expect(isAlive(s3)).toBe(false);
  }, 30_000);
});
