import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nextFireTimes, previousFireTime } from '../../../functions/core/time/schedule';
import { createRun } from '../../../functions/core/jobs/lifecycle/create-run';
import { periodForSlot } from '../../../functions/core/jobs/schedule-period';
import { TEST_TOKENS, testApi, type TestApi } from '../../helpers/api';
import { testConfig, testDependencies } from '../../helpers/jobs';
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

  it("gives each schedule's last run and last success through its slots: its deliveries, a backfill of its period, not another period's run", async () => {
    // Prepare: the weekly snapshot's newest slot delivered and succeeded; a manual run of an old
    // period; the early snapshot's newest period backfilled (still queued); the sweeper's newest slot.
    const deps = testDependencies(storage, { config });
    const now = new Date();
    const settled = new Date(now.getTime() - config.sweeper.settleMinutes * 60_000);
    const weeklySlot = previousFireTime('cron(30 3 ? * MON *)', settled, { timezone: config.timezone })!.toISOString();
    const weeklyPeriod = periodForSlot(config, 'previous-week', weeklySlot, 'snapshot-weekly')!;
    const weekly = await createRun(deps, { type: 'snapshot', trigger: 'schedule', triggeredBy: 'snapshot-weekly', scheduleName: 'snapshot-weekly', scheduledFor: weeklySlot, period: weeklyPeriod, params: {} });
    await deps.ledger.transition(weekly.job, ['queued'], 'running', {});
    await deps.ledger.transition(weekly.job, ['running'], 'succeeded', { finishedAt: now.toISOString() });
    await createRun(deps, { type: 'snapshot', trigger: 'api', triggeredBy: 'admin', period: '2020-01-01', params: {} });
    const earlySlot = previousFireTime('cron(30 2 * * ? *)', settled, { timezone: config.timezone })!.toISOString();
    const backfill = await createRun(deps, { type: 'snapshot', trigger: 'backfill', triggeredBy: 'admin', period: periodForSlot(config, 'previous-day', earlySlot, 'snapshot-early')!, params: {} });
    const anchor = api.runtime.env.deployedAt;
    const sweeperSlot = previousFireTime('rate(5 minutes)', now, { timezone: config.timezone, anchor })!.toISOString();
    const sweep = await createRun(deps, { type: 'sweeper', trigger: 'schedule', triggeredBy: 'sweeper', scheduleName: 'sweeper', scheduledFor: sweeperSlot, params: {} });

    // Act
    const answer = await api.call('GET', '/scheduler/tasks', { token: TEST_TOKENS.admin });
    const slots = await api.call('GET', '/scheduler/tasks/snapshot-early/slots', { token: TEST_TOKENS.read, query: { from: new Date(now.getTime() - 2 * 86_400_000).toISOString() } });

    // Assess
    const byName = new Map((answer.body.tasks as Array<Record<string, any>>).map((task) => [task.name, task]));
    expect(byName.get('snapshot-weekly')).toMatchObject({
      lastRun: { id: weekly.job.id, status: 'succeeded', trigger: 'schedule' },
      lastSuccess: { id: weekly.job.id },
      catchUp: { mode: 'all', window: '7d', maxPerSweep: 5 },
    });
    expect(byName.get('snapshot-early')).toMatchObject({ lastRun: { id: backfill.job.id, status: 'queued', trigger: 'backfill' }, lastSuccess: null });
    expect(byName.get('sweeper')).toMatchObject({ lastRun: { id: sweep.job.id, status: 'queued' }, catchUp: { mode: 'none' } });
    expect(slots.status).toBe(200);
    const last = (slots.body.slots as Array<Record<string, any>>).find((slot) => slot.scheduledFor === earlySlot);
    expect(last).toMatchObject({ fate: 'period_taken', run: { id: backfill.job.id } });
  });

  it('refuses a slot range that is backwards, too long or holds too many slots (400), and an unknown schedule (404)', async () => {
    // Act
    const ask = (name: string, query: Record<string, string>) => api.call('GET', `/scheduler/tasks/${name}/slots`, { token: TEST_TOKENS.read, pathParameters: { name }, query });
    const notATime = await ask('snapshot-early', { from: 'yesterday' });
    const backwards = await ask('snapshot-early', { from: '2027-01-02T00:00:00Z', to: '2027-01-01T00:00:00Z' });
    const tooLong = await ask('snapshot-early', { from: '2027-01-01T00:00:00Z', to: '2027-03-01T00:00:00Z' });
    // Every 5 minutes (from the deploy) over the next two weeks is 4032 slots.
    const tooMany = await ask('sweeper', { from: new Date().toISOString(), to: new Date(Date.now() + 14 * 86_400_000).toISOString() });
    const unknown = await ask('nope', {});

    // Assess
    expect(notATime.status).toBe(400);
    expect(notATime.body.error.message).toMatch(/^query\.from: /);
    expect(backwards).toMatchObject({ status: 400, body: { error: { code: 'invalid_slot_range', message: 'from (2027-01-02T00:00:00.000Z) must be before to (2027-01-01T00:00:00.000Z)' } } });
    expect(tooLong.body.error.message).toContain('is longer than 31 days');
    expect(tooMany).toMatchObject({ status: 400, body: { error: { code: 'invalid_slot_range' } } });
    expect(tooMany.body.error.message).toContain('sweeper has more than 2000 slots');
    expect(unknown).toMatchObject({ status: 404, body: { error: { code: 'unknown_schedule' } } });
    expect(unknown.body.error.message).toContain('"snapshot-early"');
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
