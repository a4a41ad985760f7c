import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { catalogEntry, jobCatalog, scheduledTasks } from '../../../functions/catalog';
import { InvalidConfigError, type SchedulePeriod } from '../../../functions/core/config';
import type { JobType } from '../../../functions/core/jobs/job-types';
import { periodForSlot } from '../../../functions/core/jobs/schedule-period';
import { submitRun } from '../../../functions/core/jobs/submit-run';
import { findMissingPeriods } from '../../../functions/jobs/sweeper/catch-up-missing-periods';
import { createApiServer } from '../../../infra/local/http-adapter';
import { TEST_TOKENS, testApi, type TestApi } from '../../helpers/api';
import { FakeClock } from '../../helpers/clock';
import { runCli } from '../../helpers/fake-api';
import { RecordingInvoker, testConfig, testDependencies } from '../../helpers/jobs';
import { createTestStorage, type TestStorage } from '../../helpers/storage';

const RULES: readonly SchedulePeriod[] = ['none', 'previous-day', 'previous-week', 'previous-month'];

/**
 * The decision per job: which `period` rules a schedule of it may have. Rollups, sweeps and
 * script runs cover no period; a snapshot covers any; an export covers any or a range in its
 * params; a sampling proof covers a day.
 */
const RUNNABLE: Readonly<Record<JobType, readonly SchedulePeriod[]>> = {
  rollup: ['none'],
  sweeper: ['none'],
  'script-run': ['none'],
  snapshot: ['previous-day', 'previous-week', 'previous-month'],
  export: ['none', 'previous-day', 'previous-week', 'previous-month'],
  'sampling-proof': ['previous-day'],
};

/** Params a schedule of the job would carry (an export without a period names its range). */
function paramsFor(type: JobType, rule: SchedulePeriod): Record<string, unknown> {
  if (type === 'script-run') return { script: 'events-summary', args: { input: 'events/dt=2026-03-01/hour=00/a.ndjson.gz' } };
  if (type === 'export' && rule === 'none') return { from: '2026-03-01', to: '2026-03-07' };
  return {};
}

const combinations = jobCatalog.flatMap((entry) => RULES.map((rule) => ({ type: entry.type, rule, runnable: (RUNNABLE[entry.type] ?? []).includes(rule) })));

describe('every job × schedule period: validation, the sweeper, the trigger route and the CLI agree', () => {
  let storage: TestStorage;
  let server: Server;
  let url: string;
  /** The API function of the config under test: each test serves its own behind one server. */
  let api: TestApi | undefined;

  beforeAll(async () => {
    storage = await createTestStorage('schedule-periods');
    server = createApiServer((event, context) => {
      if (!api) throw new Error('no API function for this test');
      return api.handler(event, context);
    }, 29_000);
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await new Promise((done) => server.close(done));
    await storage.destroy();
  });

  it('covers every shipped job type', () => {
    expect(Object.keys(RUNNABLE).sort()).toEqual(jobCatalog.map((entry) => entry.type).sort());
  });

  it.each(combinations.filter((c) => !c.runnable))('refuses a $type schedule with period $rule at validation, saying why', ({ type, rule }) => {
    // Prepare
    const config = testConfig({ schedules: { nightly: { job: type, expression: 'cron(0 3 * * ? *)', period: rule, params: paramsFor(type, rule) } } });

    // Act
    const resolving = () => scheduledTasks(config);

    // Assess
    expect(resolving).toThrow(InvalidConfigError);
    expect(problemsOf(resolving)).toEqual([{ path: 'schedules.nightly.period', reason: expect.stringContaining(`${type} runs`) }]);
  });

  it.each(combinations.filter((c) => c.runnable))('runs a $type schedule with period $rule from the CLI, the trigger route and the sweeper', async ({ type, rule }) => {
    // Prepare
    const name = `${type}-${rule}`;
    const params = paramsFor(type, rule);
    const config = testConfig({ schedules: { [name]: { job: type, expression: 'cron(0 3 * * ? *)', period: rule, params } } });
    api = testApi(storage, config, { invoker: new RecordingInvoker() });
    const sweeping = testDependencies(storage, { clock: new FakeClock('2026-03-10T20:00:00.000Z'), config });
    try {
      // Act
      const tasks = scheduledTasks(config);
      const cli = await runCli(['run', name, '--json'], { url, token: TEST_TOKENS.admin });
      const missing = await findMissingPeriods(sweeping, tasks);
      const submitted = await Promise.all(
        missing.map((gap) => submitRun(sweeping, { entry: catalogEntry(type), trigger: 'catch-up', triggeredBy: 'test', params: gap.params, period: gap.period })),
      );

      // Assess: the CLI (through POST /scheduler/trigger/{name}) starts the schedule's own period…
      expect(cli.stderr).toBe('');
      expect(cli.code).toBe(0);
      const started = (JSON.parse(cli.stdout) as { job: { type: string; period?: string } }).job;
      expect(started.type).toBe(type);
      expect(started.period).toBe(rule === 'none' ? undefined : periodForSlot(config, rule, new Date().toISOString(), name));
      // …and every period the sweeper would catch up is one the API accepts for the job.
      if (rule === 'none') expect(missing).toEqual([]);
      else expect(missing.length).toBeGreaterThan(0);
      expect(submitted.map((result) => result.job.period)).toEqual(missing.map((gap) => gap.period));
    } finally {
      api = undefined;
    }
  });
});

function problemsOf(resolve: () => unknown): InvalidConfigError['problems'] {
  try {
    resolve();
  } catch (error) {
    if (error instanceof InvalidConfigError) return error.problems;
    throw error;
  }
  throw new Error('the config was accepted');
}
