import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigLoadError, InvalidConfigError, parseConfig } from '../../../functions/core/config';
import { parseScheduleExpression } from '../../../functions/core/time/schedule';
import { loadConfigFile } from '../../../infra/config/load-config';
import { jobTypeNames } from '../../../functions/catalog';

const REPO_ROOT = resolve(import.meta.dirname, '../../..');

/**
 * The problems a config is refused with, or a failure if it was accepted; given the catalog's job
 * types, as a config file is (load-config.ts).
 */
function problemsOf(input: unknown): { path: string; reason: string }[] {
  try {
    parseConfig(input, 'test config', { jobTypes: jobTypeNames });
  } catch (error) {
    if (error instanceof InvalidConfigError) return error.problems;
    throw error;
  }
  throw new Error('the config was accepted');
}

/** The message the schedule module gives for an expression. */
function scheduleMessage(expression: string): string {
  try {
    parseScheduleExpression(expression);
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error(`${expression} parsed`);
}

describe('parseConfig', () => {
  it('fills every default into an empty config', () => {
    // Prepare
    const input = {};

    // Act
    const config = parseConfig(input);

    // Assess
    expect(config).toEqual({
      timezone: 'America/Los_Angeles',
      calendar: { holidayTypes: ['public'] },
      weekStartsOn: 'monday',
      metrics: {},
      ratios: {},
      dimensions: [],
      schedules: {},
      checks: [],
      retention: {
        jobsDays: 90,
        dailySnapshotsDays: 90,
        weeklySnapshotsDays: 730,
        monthlySnapshotsDays: 1825,
        proofsDays: 365,
        exportsDays: 30,
        logsDays: 30,
        rawEventsDays: 30,
      },
      rollup: { debounceMs: 5000, lookbackHours: 48, maxCardinalityPerMetricDay: 1000, maxObjectBytes: 256 * 1024 * 1024 },
      sweeper: { catchUpWindowDays: 7, maxCatchUpPerSweep: 5, settleMinutes: 10 },
      snapshots: { scopeDimensions: [], metrics: {} },
      scripts: { maxConcurrency: 5, outputCapBytes: 10 * 1024 * 1024, killGraceMs: 5000, maxOutputFiles: 20, maxOutputFileBytes: 100 * 1024 * 1024, maxInputBytes: 200 * 1024 * 1024 },
      health: { graceMinutes: 30 },
    });
  });

  it('fills defaults inside sections, schedules and checks that are given in part', () => {
    // Prepare
    const input = {
      metrics: { sessions: {} },
      retention: { jobsDays: 14 },
      sweeper: { maxCatchUpPerSweep: 2 },
      schedules: { 'rollup-hourly': { job: 'rollup', expression: 'rate(1 hour)' } },
      checks: [{ kind: 'trend', metric: 'sessions' }],
    };

    // Act
    const config = parseConfig(input);

    // Assess
    expect(config.retention).toMatchObject({ jobsDays: 14, dailySnapshotsDays: 90, rawEventsDays: 30 });
    expect(config.sweeper).toEqual({ catchUpWindowDays: 7, maxCatchUpPerSweep: 2, settleMinutes: 10 });
    expect(config.schedules['rollup-hourly']).toEqual({ job: 'rollup', expression: 'rate(1 hour)', enabled: true, period: 'none', params: {}, gate: 'on' });
    expect(config.checks).toEqual([
      {
        kind: 'trend',
        metric: 'sessions',
        baselinePoints: 8,
        minPoints: 6,
        warnZ: 3,
        criticalZ: 5,
        minChange: 0.1,
        criticalChange: 0.5,
        sigmaFloor: 0.02,
        direction: 'both',
        hourly: 'auto',
        hourlyMinCount: 20,
      },
    ]);
  });

  it('lists every problem of a bad config by path and reason, in one error', () => {
    // Prepare
    const input = {
      timezone: 'Mars/Olympus_Mons',
      metrics: { revenue: {}, orders: { unit: 'count', colour: 'red' } },
      ratios: { aov: { numerator: 'revenue', denominator: 'baskets' } },
      dimensions: ['store', 'channel', 'store'],
      schedules: {
        'reindex-nightly': { job: 'reindex', expression: 'rate(1 day)' },
        'rollup-broken': { job: 'rollup', expression: 'cron(0 3 * * * *)' },
        'rollup-extra': { job: 'rollup', expression: 'rate(1 hour)', retries: 3 },
      },
      checks: [
        { kind: 'range', metric: 'revenue', hard: { min: 0 } },
        { kind: 'freshness', metric: 'page_views' },
      ],
      sweeper: { catchUpWindowDays: 3, burst: 10 },
      colour: 'blue',
    };

    // Act
    const problems = problemsOf(input);

    // Assess
    const byPath = Object.fromEntries(problems.map((p) => [p.path, p.reason]));
    expect(Object.keys(byPath).sort()).toEqual(
      [
        'timezone',
        'metrics.orders.colour',
        'ratios.aov.denominator',
        'dimensions.2',
        'schedules.reindex-nightly.job',
        'schedules.rollup-broken.expression',
        'schedules.rollup-extra.retries',
        'checks.1.metric',
        'sweeper.burst',
        'colour',
      ].sort(),
    );
    expect(problems).toHaveLength(10);
    expect(byPath['timezone']).toBe('not an IANA time zone (for example America/Los_Angeles)');
    expect(byPath['schedules.reindex-nightly.job']).toMatch(/expected one of .*"rollup".*"sweeper"/);
    expect(byPath['schedules.rollup-broken.expression']).toBe(scheduleMessage('cron(0 3 * * * *)'));
    expect(byPath['schedules.rollup-extra.retries']).toBe('unknown key "retries" (not part of the config schema)');
    expect(byPath['colour']).toBe('unknown key "colour" (not part of the config schema)');
    expect(byPath['ratios.aov.denominator']).toBe('unknown metric "baskets" (declare it under metrics)');
    expect(byPath['checks.1.metric']).toBe('unknown metric "page_views" (declare it under metrics or ratios)');
    expect(byPath['dimensions.2']).toBe('"store" is listed twice');
  });

  it('names the source and every problem in the error message', () => {
    // Prepare
    const input = { timezone: 'Nowhere/City', dimensions: ['a', 'a'] };

    // Act
    const parsing = () => parseConfig(input, 'nightshift.config.json');

    // Assess
    expect(parsing).toThrow(InvalidConfigError);
    expect(parsing).toThrow(
      'nightshift.config.json is not a valid Nightshift config:\n' +
        '  - timezone: not an IANA time zone (for example America/Los_Angeles)\n' +
        '  - dimensions.1: "a" is listed twice',
    );
  });

  it('checks the metrics a ratio-consistency check names, including its ratio', () => {
    // Prepare
    const input = {
      metrics: { orders: {}, sessions: {} },
      ratios: { conversion_rate: { numerator: 'orders', denominator: 'sessions' } },
      checks: [
        { kind: 'ratio_consistency', numerator: 'orders', denominator: 'visits', ratio: 'conversion' },
        { kind: 'ratio_consistency', numerator: 'orders', denominator: 'sessions', ratio: 'conversion_rate' },
        { kind: 'range', metric: 'conversion_rate', hard: { min: 0, max: 1 } },
      ],
    };

    // Act
    const problems = problemsOf(input);

    // Assess
    expect(problems).toEqual([
      { path: 'checks.0.denominator', reason: 'unknown metric "visits" (declare it under metrics or ratios)' },
      { path: 'checks.0.ratio', reason: 'unknown metric "conversion" (declare it under metrics or ratios)' },
    ]);
  });

  it('refuses a ratio named like a metric and a ratio over unknown metrics', () => {
    // Prepare
    const input = {
      metrics: { orders: {} },
      ratios: { orders: { numerator: 'orders', denominator: 'orders' }, per_visit: { numerator: 'refunds', denominator: 'visits' } },
    };

    // Act
    const problems = problemsOf(input);

    // Assess
    expect(problems).toEqual([
      { path: 'ratios.orders', reason: '"orders" is already a metric' },
      { path: 'ratios.per_visit.numerator', reason: 'unknown metric "refunds" (declare it under metrics)' },
      { path: 'ratios.per_visit.denominator', reason: 'unknown metric "visits" (declare it under metrics)' },
    ]);
  });

  it('refuses snapshot scopes over dimensions the rollup drops, and bad snapshot metrics', () => {
    // Prepare
    const input = {
      metrics: { orders: {} },
      dimensions: ['store'],
      snapshots: { scopeDimensions: ['store', 'region'], metrics: { orders: { stat: 'median', metric: 'orders' } } },
    };

    // Act
    const problems = problemsOf(input);

    // Assess
    expect(problems.map((problem) => problem.path)).toEqual(['snapshots.metrics.orders.stat', 'snapshots.scopeDimensions.1']);
    expect(problems[1]!.reason).toBe('"region" is not a kept dimension (list it under dimensions)');
  });

  it('reports malformed sections as themselves, without tripping the cross-section checks', () => {
    // Prepare
    const input = { metrics: 5, ratios: [1], dimensions: { store: true }, checks: [null, { kind: 'ratio_consistency', numerator: 3 }] };

    // Act
    const problems = problemsOf(input);

    // Assess
    expect(problems.map((p) => p.path)).toEqual(['metrics', 'ratios', 'dimensions', 'checks.0', 'checks.1.numerator', 'checks.1.denominator']);
  });

  it('refuses a value that is not an object at all', () => {
    // Prepare
    const input = null;

    // Act
    const problems = problemsOf(input);

    // Assess
    expect(problems).toEqual([{ path: '', reason: 'Invalid input: expected object, received null' }]);
  });

  it('refuses bad names, bounds and out-of-range numbers', () => {
    // Prepare
    const input = {
      metrics: { 'Page-Views': {} },
      schedules: { Nightly_Rollup: { job: 'rollup', expression: 'rate(1 hour)' } },
      checks: [],
      sweeper: { maxCatchUpPerSweep: 1000 },
      retention: { jobsDays: 0 },
    };

    // Act
    const problems = problemsOf(input);

    // Assess
    expect(problems.map((p) => p.path).sort()).toEqual(['metrics.Page-Views', 'retention.jobsDays', 'schedules.Nightly_Rollup', 'sweeper.maxCatchUpPerSweep']);
  });

  it('takes a rollup fan-out with both fields in range, and names each one that is not', () => {
    // Act
    const parsed = parseConfig({ rollup: { fanOut: { minObjects: 500, workers: 4 } } });
    const problems = problemsOf({ rollup: { fanOut: { minObjects: 0, workers: 17, spare: 1 } } });

    // Assess
    expect(parsed.rollup.fanOut).toEqual({ minObjects: 500, workers: 4 });
    expect(parseConfig({}).rollup.fanOut).toBeUndefined();
    expect(problems.map((p) => p.path).sort()).toEqual(['rollup.fanOut.minObjects', 'rollup.fanOut.spare', 'rollup.fanOut.workers']);
  });
});

describe('loadConfigFile', () => {
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'nightshift-config-'));
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  async function file(name: string, text: string): Promise<string> {
    await writeFile(join(dir, name), text, 'utf8');
    return name;
  }

  it('loads a TypeScript file’s default export and validates it', async () => {
    // Prepare
    const name = await file(
      'shop.config.ts',
      [
        "type Zone = 'Europe/Berlin' | 'America/New_York';",
        "const timezone: Zone = 'Europe/Berlin';",
        'const config: { timezone: Zone; metrics: Record<string, object> } = { timezone, metrics: { orders: {} } };',
        'export default config;',
      ].join('\n'),
    );

    // Act
    const config = await loadConfigFile(name, dir);

    // Assess
    expect(config.timezone).toBe('Europe/Berlin');
    expect(config.metrics).toEqual({ orders: {} });
    expect(config.retention.jobsDays).toBe(90);
  });

  it('loads .js and .mjs files', async () => {
    // Prepare
    const js = await file('plain.config.js', "export default { timezone: 'Asia/Tokyo', dimensions: ['store'] };\n");
    const mjs = await file('module.config.mjs', "const weekStartsOn = 'sunday';\nexport default { weekStartsOn };\n");

    // Act
    const fromJs = await loadConfigFile(js, dir);
    const fromMjs = await loadConfigFile(mjs, dir);

    // Assess
    expect(fromJs.timezone).toBe('Asia/Tokyo');
    expect(fromJs.dimensions).toEqual(['store']);
    expect(fromMjs.weekStartsOn).toBe('sunday');
    expect(fromMjs.timezone).toBe('America/Los_Angeles');
  });

  it('loads a .json file', async () => {
    // Prepare
    const name = await file('shop.config.json', JSON.stringify({ timezone: 'UTC', schedules: { sweeper: { job: 'sweeper', expression: 'rate(5 minutes)' } } }));

    // Act
    const config = await loadConfigFile(name, dir);

    // Assess
    expect(config.timezone).toBe('UTC');
    expect(config.schedules['sweeper']).toEqual({ job: 'sweeper', expression: 'rate(5 minutes)', enabled: true, period: 'none', params: {}, gate: 'on' });
  });

  it('reports a missing file with its full path', async () => {
    // Prepare
    const name = 'absent.config.ts';

    // Act
    const loading = loadConfigFile(name, dir);

    // Assess
    await expect(loading).rejects.toBeInstanceOf(ConfigLoadError);
    await expect(loadConfigFile(name, dir)).rejects.toThrow(`config file ${join(dir, name)} does not exist`);
  });

  it('reports invalid JSON with the parser’s message', async () => {
    // Prepare
    const name = await file('broken.config.json', '{ "timezone": "UTC", }');

    // Act
    const loading = loadConfigFile(name, dir);

    // Assess
    await expect(loading).rejects.toBeInstanceOf(ConfigLoadError);
    await expect(loadConfigFile(name, dir)).rejects.toThrow(new RegExp(`^${escape(join(dir, name))} is not valid JSON: .+`));
  });

  it('reports a module without a default export', async () => {
    // Prepare
    const name = await file('named.config.mjs', "export const config = { timezone: 'UTC' };\n");

    // Act
    const loading = loadConfigFile(name, dir);

    // Assess
    await expect(loading).rejects.toBeInstanceOf(ConfigLoadError);
    await expect(loadConfigFile(name, dir)).rejects.toThrow(`${join(dir, name)} has no default export (export default defineConfig({...}))`);
  });

  it('reports a module that fails to load, and an unsupported extension', async () => {
    // Prepare
    const throwing = await file('throws.config.mjs', "throw new Error('no config for you');\n");
    const yaml = await file('shop.config.yaml', 'timezone: UTC\n');

    // Act
    const [fromThrowing, fromYaml] = await Promise.allSettled([loadConfigFile(throwing, dir), loadConfigFile(yaml, dir)]);

    // Assess
    expect(fromThrowing.status === 'rejected' ? fromThrowing.reason : undefined).toEqual(
      new ConfigLoadError(`${join(dir, throwing)} could not be loaded: no config for you`),
    );
    expect(fromYaml.status === 'rejected' ? fromYaml.reason : undefined).toEqual(
      new ConfigLoadError(`${join(dir, yaml)}: config files must end in .ts, .mts, .js, .mjs or .json`),
    );
  });

  it('reports an invalid config under the file’s path', async () => {
    // Prepare
    const name = await file('invalid.config.json', JSON.stringify({ timezone: 'Atlantis/Capital' }));

    // Act
    const loading = loadConfigFile(name, dir);

    // Assess
    await expect(loading).rejects.toBeInstanceOf(InvalidConfigError);
    await expect(loadConfigFile(name, dir)).rejects.toThrow(`${join(dir, name)} is not a valid Nightshift config:\n  - timezone: not an IANA time zone`);
  });

  it('loads a file outside the repository that imports defineConfig from nightshift/config', async () => {
    // Prepare: a temp folder, with no node_modules anywhere above it.
    const name = await file(
      'outside.config.ts',
      ["import { defineConfig } from 'nightshift/config';", "export default defineConfig({ timezone: 'Europe/Berlin', metrics: { signups: {} } });"].join('\n'),
    );

    // Act
    const config = await loadConfigFile(name, dir);

    // Assess
    expect(config.timezone).toBe('Europe/Berlin');
    expect(config.metrics).toEqual({ signups: {} });
  });

  it('refuses a schedule its job would not run as written, naming the schedule and the reason', async () => {
    // Prepare
    const name = await file(
      'unrunnable.config.json',
      JSON.stringify({
        metrics: { orders: {} },
        schedules: {
          'rollup-daily': { job: 'rollup', expression: 'cron(0 3 * * ? *)', period: 'previous-day' },
          'proof-weekly': { job: 'sampling-proof', expression: 'cron(0 3 ? * MON *)', period: 'previous-week' },
          'export-range': { job: 'export', expression: 'cron(0 3 * * ? *)' },
          'export-weekly': { job: 'export', expression: 'cron(0 4 ? * MON *)', period: 'previous-week', params: { metrics: ['visits'] } },
          'snapshot-a': { job: 'snapshot', expression: 'cron(0 3 * * ? *)', period: 'previous-day' },
          'snapshot-b': { job: 'snapshot', expression: 'cron(0 5 * * ? *)', period: 'previous-day' },
        },
      }),
    );

    // Act
    const loading = loadConfigFile(name, dir);

    // Assess
    await expect(loading).rejects.toBeInstanceOf(InvalidConfigError);
    const problems = await loading.catch((error: InvalidConfigError) => error.problems);
    expect(problems).toEqual([
      { path: 'schedules.rollup-daily.period', reason: 'rollup runs do not cover a period: leave period out (or set it to none), not "previous-day"' },
      { path: 'schedules.proof-weekly.period', reason: 'sampling-proof runs cover day periods: period must be "previous-day", not "previous-week"' },
      { path: 'schedules.export-range.params', reason: 'params.from and params.to are required (local days, YYYY-MM-DD), unless the run covers a period' },
      { path: 'schedules.export-weekly.params', reason: 'params.metrics: unknown metric "visits" (configured: orders)' },
      {
        path: 'schedules.snapshot-b',
        reason: 'covers the same periods as schedule "snapshot-a" (snapshot, previous-day): a period has one snapshot run, so this one would always be skipped',
      },
    ]);
    await expect(loadConfigFile(name, dir)).rejects.toThrow(`${join(dir, name)} is not a valid Nightshift config`);
  });

  it('accepts the repository’s own nightshift.config.ts', async () => {
    // Prepare
    const name = 'nightshift.config.ts';

    const written = ((await import('../../../nightshift.config')) as { default: Record<string, unknown> }).default;

    // Act
    const config = await loadConfigFile(name, REPO_ROOT);

    // Assess: every section as written, with defaults filled in where it left them out.
    expect(config).toEqual(parseConfig(written));
    expect(config).toMatchObject({ timezone: written['timezone'], metrics: written['metrics'], dimensions: written['dimensions'] });
    expect(Object.keys(config.schedules)).toEqual(Object.keys(written['schedules'] as object));
    expect(config.schedules['sweeper']).toMatchObject({ job: 'sweeper', expression: 'rate(5 minutes)', enabled: true, period: 'none' });
    expect(config.checks).toHaveLength((written['checks'] as unknown[]).length);
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
