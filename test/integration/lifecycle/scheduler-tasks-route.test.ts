import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nextFireTimes } from '../../../functions/core/time/schedule';
import { TEST_TOKENS, testApi, type TestApi } from '../../helpers/api';
import { FakeClock } from '../../helpers/clock';
import { newJob, testConfig, testDependencies } from '../../helpers/jobs';
import { createTestStorage, type TestStorage } from '../../helpers/storage';

const config = testConfig({
  metrics: { revenue: {} },
  schedules: {
    // 02:30 in Los Angeles does not exist on the second Sunday of March.
    'snapshot-early': { job: 'snapshot', expression: 'cron(30 2 * * ? *)', period: 'previous-day', description: 'early daily snapshot' },
    'snapshot-weekly': { job: 'snapshot', expression: 'cron(30 3 ? * MON *)', period: 'previous-week' },
    'rollup-paused': { job: 'rollup', expression: 'cron(5 * * * ? *)', enabled: false },
    sweeper: { job: 'sweeper', expression: 'rate(5 minutes)' },
  },
});

describe('GET /scheduler/tasks', () => {
  let storage: TestStorage;
  let api: TestApi;

  beforeAll(async () => {
    storage = await createTestStorage('scheduler-tasks');
    api = testApi(storage, config);
  });

  afterAll(async () => {
    await storage.destroy();
  });

  it('lists every schedule with its next 5 fire times in UTC and local time, and DST warnings', async () => {
    // Act
    const before = new Date();
    const answer = await api.call('GET', '/scheduler/tasks', { token: TEST_TOKENS.read });

    // Assess
    expect(answer.status).toBe(200);
    const tasks = answer.body.tasks as Array<Record<string, any>>;
    expect(tasks.map((task) => task.name)).toEqual(['snapshot-early', 'snapshot-weekly', 'rollup-paused', 'sweeper']);
    const early = tasks[0]!;
    expect(early).toMatchObject({
      type: 'snapshot',
      expression: 'cron(30 2 * * ? *)',
      timezone: 'America/Los_Angeles',
      enabled: true,
      period: 'previous-day',
      description: 'early daily snapshot',
      lastRun: null,
    });
    const expected = nextFireTimes('cron(30 2 * * ? *)', before, 5, { timezone: 'America/Los_Angeles' }).map((time) => time.toISOString());
    expect(early.nextRuns.map((run: { utc: string }) => run.utc)).toEqual(expected);
    for (const run of early.nextRuns) {
      expect(run.local).toMatch(/T02:30:00-0[78]:00$/);
      expect(Date.parse(run.local)).toBe(Date.parse(run.utc));
    }
    const gap = early.warnings.find((warning: { code: string }) => warning.code === 'dst_gap');
    expect(gap.message).toContain('does not fire on');
    expect(gap.missedDays).toEqual(gap.dates);
    expect(gap.dates.every((date: string) => /^\d{4}-03-\d{2}$/.test(date))).toBe(true);
    expect(tasks[1]!.warnings).toEqual([]);
    expect(tasks[1]!.description).toBeNull();
  });

  it('shows no next runs for a disabled schedule and five for a rate', async () => {
    // Act
    const answer = await api.call('GET', '/scheduler/tasks', { token: TEST_TOKENS.read });

    // Assess
    const byName = new Map((answer.body.tasks as Array<Record<string, any>>).map((task) => [task.name, task]));
    const paused = byName.get('rollup-paused')!;
    expect(paused).toMatchObject({ enabled: false, nextRuns: [] });
    // An hourly cron loses one slot on the spring-forward day, never a whole day.
    const hourlyGap = paused.warnings.find((warning: { code: string }) => warning.code === 'dst_gap');
    expect(hourlyGap.dates.length).toBeGreaterThan(0);
    expect(hourlyGap.missedDays).toEqual([]);
    const sweeper = byName.get('sweeper')!;
    expect(sweeper.nextRuns).toHaveLength(5);
    const gaps = sweeper.nextRuns.slice(1).map((run: { utc: string }, index: number) => Date.parse(run.utc) - Date.parse(sweeper.nextRuns[index].utc));
    expect(gaps).toEqual([300_000, 300_000, 300_000, 300_000]);
  });

  it("gives each schedule's own last run, not a manual run of the same type", async () => {
    // Prepare: a scheduled weekly snapshot, then a newer manual snapshot run and a newer sweep.
    const deps = testDependencies(storage, { config });
    const scheduled = await deps.ledger.enqueue(newJob({ type: 'snapshot', trigger: 'schedule', triggeredBy: 'snapshot-weekly' }, new FakeClock(new Date(Date.now() - 3_600_000))));
    const running = await deps.ledger.transition(scheduled, ['queued'], 'running', {});
    await deps.ledger.transition(running, ['running'], 'succeeded', { finishedAt: new Date(Date.now() - 3_500_000).toISOString() });
    await deps.ledger.enqueue(newJob({ type: 'snapshot', trigger: 'api', triggeredBy: 'admin' }, new FakeClock(new Date(Date.now() - 60_000))));
    const sweep = await deps.ledger.enqueue(newJob({ type: 'sweeper', trigger: 'schedule', triggeredBy: 'sweeper' }, new FakeClock(new Date())));

    // Act
    const answer = await api.call('GET', '/scheduler/tasks', { token: TEST_TOKENS.admin });

    // Assess
    const byName = new Map((answer.body.tasks as Array<Record<string, any>>).map((task) => [task.name, task]));
    expect(byName.get('snapshot-weekly')!.lastRun).toEqual({ id: scheduled.id, status: 'succeeded', createdAt: scheduled.createdAt, finishedAt: expect.any(String) });
    expect(byName.get('snapshot-early')!.lastRun).toBeNull();
    expect(byName.get('sweeper')!.lastRun).toEqual({ id: sweep.id, status: 'queued', createdAt: sweep.createdAt, finishedAt: null });
  });

  it('answers 401 without a token, 403 to a token without read, and 400 naming an unknown parameter', async () => {
    // Act
    const anonymous = await api.call('GET', '/scheduler/tasks');
    const ingestOnly = await api.call('GET', '/scheduler/tasks', { token: TEST_TOKENS.ingest });
    const unknownParameter = await api.call('GET', '/scheduler/tasks', { token: TEST_TOKENS.read, query: { name: 'sweeper' } });

    // Assess
    expect(anonymous.status).toBe(401);
    expect(ingestOnly.status).toBe(403);
    expect(unknownParameter.status).toBe(400);
    expect(unknownParameter.body.error.message).toBe('query: unknown field(s) name');
  });
});
