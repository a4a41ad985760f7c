import * as z from 'zod/mini';
import '../zod-mini-english';
import { IANAZone } from 'luxon';
import { parseScheduleExpression } from '../time/schedule';
import { weekdays } from '../time/periods';
import { defaultSnapshotsConfig, snapshotsConfigIssues, snapshotsSchema } from './snapshots-schema';
import { defaultScriptsConfig, scriptsConfigSchema } from './scripts-schema';
import { holidayTypes, regionProblem } from '../calendar/holidays';
import { catchUpConfigIssues, catchUpSchema } from './catch-up-schema';

/** 256 MiB: far above what one ingest request writes (at most 10 MB), and readable within one run. */
const DEFAULT_MAX_OBJECT_BYTES = 256 * 1024 * 1024;
/** Partition runs one rollup starts at most (the rollup function's reserved concurrency is this plus one). */
const MAX_FAN_OUT_WORKERS = 16;

const identifier = (what: string) =>
  z.string().check(z.regex(/^[a-z][a-z0-9_]{0,62}$/, `${what} must be lower snake_case: a letter, then letters, digits or _ (at most 63)`));

export const metricNameSchema = identifier('a metric name');
export const dimensionNameSchema = identifier('a dimension name');
const scheduleNameSchema = z.string().check(z.regex(/^[a-z][a-z0-9-]{0,62}$/, 'a schedule name must be lower kebab-case (letters, digits, -; at most 63)'));

export const timezoneSchema = z.string().check(z.refine((zone) => IANAZone.isValidZone(zone), { message: 'not an IANA time zone (for example America/Los_Angeles)' }));

const expressionSchema = z.string().check(z.superRefine((text, ctx) => {
  try {
    parseScheduleExpression(text);
  } catch (error) {
    ctx.addIssue({ code: 'custom', message: error instanceof Error ? error.message : String(error) });
  }
}));

/** Which business period a scheduled run covers, derived from its slot time. */
export const schedulePeriodSchema = z.enum(['none', 'previous-day', 'previous-week', 'previous-month']);
export type SchedulePeriod = z.infer<typeof schedulePeriodSchema>;

const scheduleSchema = z.strictObject({
  /** A job type of the catalog (parseConfig checks the name when it is given the catalog's). */
  job: z.string().check(z.minLength(1)),
  expression: expressionSchema,
  timezone: z.optional(timezoneSchema),
  enabled: z._default(z.boolean(), true),
  period: z._default(schedulePeriodSchema, 'none'),
  params: z._default(z.record(z.string(), z.unknown()), {}),
  description: z.optional(z.string().check(z.maxLength(200))),
  /**
   * `on`: an export or snapshot covering a day whose sampling proof is critical ends `held`,
   * its artifact under `quarantine/` until released; `off` publishes whatever the proofs say.
   */
  gate: z._default(z.enum(['on', 'off']), 'on'),
  /** How the sweeper makes up this schedule's missed slots; absent → the `sweeper` section's defaults. */
  catchUp: z.optional(catchUpSchema),
});

const bounds = z.strictObject({ min: z.optional(z.number()), max: z.optional(z.number()) }).check(z.refine((b) => b.min === undefined || b.max === undefined || b.min <= b.max, { message: 'min must be ≤ max' }));

/**
 * Sampling-proof checks (DESIGN §4). Every parameter has a default; `functions/core/proofs/`
 * holds the semantics, docs/proofs.md explains how to tune them.
 */
const checkSchema = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('range'),
    metric: metricNameSchema,
    /** Outside → critical. A ratio is always held to [0, 1] as well. */
    hard: z.optional(bounds),
    /** Outside → warn. */
    soft: z.optional(bounds),
  }),
  z.strictObject({
    kind: z.literal('trend'),
    metric: metricNameSchema,
    /** Same-weekday days before the scored day the baseline is drawn from (8 → 8 weeks back). */
    baselinePoints: z._default(z.number().check(z.int(), z.gte(2), z.lte(52)), 8),
    /** Fewer usable baseline points → `skipped` (`insufficient_history`). */
    minPoints: z._default(z.number().check(z.int(), z.gte(2), z.lte(52)), 6),
    warnZ: z._default(z.number().check(z.positive()), 3),
    criticalZ: z._default(z.number().check(z.positive()), 5),
    /** |change| vs the baseline mean a z-score needs to count (0.1 = 10%). */
    minChange: z._default(z.number().check(z.gte(0)), 0.1),
    /** |change| that is critical whatever the z-score (0.5 = 50%). */
    criticalChange: z._default(z.number().check(z.positive()), 0.5),
    /** σ is at least this share of the baseline mean. */
    sigmaFloor: z._default(z.number().check(z.gte(0)), 0.02),
    direction: z._default(z.enum(['both', 'up', 'down']), 'both'),
    /**
     * The hourly watch: after each rollup, each closed hour against the same hour of the week
     * over the last `baselinePoints` weeks (same σ floor, minChange and criticalChange). `auto`:
     * on unless the metric is too sparse (fewer than `hourlyMinCount` events an hour on
     * average over its baseline days) or a ratio (its parts are watched instead).
     */
    hourly: z._default(z.union([z.literal('auto'), z.boolean()]), 'auto'),
    /** Mean events an hour the baseline needs for `hourly: 'auto'` to watch the metric. */
    hourlyMinCount: z._default(z.number().check(z.int(), z.gte(1)), 20),
  }).check(
    z.refine((check) => check.minPoints <= check.baselinePoints, { message: 'minPoints must be ≤ baselinePoints', path: ['minPoints'] }),
    z.refine((check) => check.warnZ <= check.criticalZ, { message: 'warnZ must be ≤ criticalZ', path: ['warnZ'] }),
    z.refine((check) => check.minChange <= check.criticalChange, { message: 'minChange must be ≤ criticalChange', path: ['minChange'] }),
  ),
  z.strictObject({
    kind: z.literal('freshness'),
    metric: metricNameSchema,
    /**
     * Stats last updated before the day closed: warn when within this many hours of the close
     * (a quiet end of day), critical when older (the data stopped).
     */
    maxDelayHours: z._default(z.number().check(z.positive(), z.lte(24)), 6),
  }),
  z.strictObject({
    kind: z.literal('completeness'),
    metric: metricNameSchema,
    /** Hours of the day with data below this → warn. Default: every hour of the day (23/24/25). */
    minHours: z.optional(z.number().check(z.int(), z.gte(1), z.lte(25))),
    /** Below this → critical. Default 18 (a quarter of the day missing). */
    criticalMinHours: z._default(z.number().check(z.int(), z.gte(0), z.lte(25)), 18),
  }),
  z.strictObject({
    kind: z.literal('ratio_consistency'),
    numerator: metricNameSchema,
    denominator: metricNameSchema,
    /** The configured ratio these two make up; its definition must match. */
    ratio: z.optional(metricNameSchema),
    /** The numerator may exceed the denominator by this share before it is critical. */
    tolerance: z._default(z.number().check(z.gte(0), z.lte(1)), 0),
  }),
]);

const days = z.number().check(z.int(), z.gte(1), z.lte(3650));

/**
 * Holidays of a region (date-holidays' rules) leave the proofs' baselines and soften a trend's
 * verdict on the day itself; without a region only user annotations mark days.
 */
const calendarSchema = z._default(z.strictObject({
  /** `US`, `US-CA`, `DE-BY`: a country code, optionally with a state. */
  region: z.optional(z.string().check(z.superRefine((region, ctx) => {
    const problem = regionProblem(region);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  }))),
  /** Which of date-holidays' holiday types count. */
  holidayTypes: z._default(z.array(z.enum(holidayTypes)).check(z.minLength(1)), ['public']),
}), { holidayTypes: ['public'] });

export const configSchema = z.strictObject({
  timezone: z._default(timezoneSchema, 'America/Los_Angeles'),
  weekStartsOn: z._default(z.enum(weekdays), 'monday'),
  metrics: z._default(z.record(metricNameSchema, z.strictObject({ description: z.optional(z.string().check(z.maxLength(200))), unit: z.optional(z.string().check(z.maxLength(20))) })), {}),
  /** Ratios of two metrics (conversion_rate = orders / sessions), usable wherever a metric is. */
  ratios: z._default(z.record(metricNameSchema, z.strictObject({ numerator: metricNameSchema, denominator: metricNameSchema, description: z.optional(z.string().check(z.maxLength(200))) })), {}),
  dimensions: z._default(z.array(dimensionNameSchema).check(z.maxLength(10)), []),
  schedules: z._default(z.record(scheduleNameSchema, scheduleSchema), {}),
  checks: z._default(z.array(checkSchema), []),
  retention: z._default(z.strictObject({
    jobsDays: z._default(days, 90),
    dailySnapshotsDays: z._default(days, 90),
    weeklySnapshotsDays: z._default(days, 730),
    monthlySnapshotsDays: z._default(days, 1825),
    proofsDays: z._default(days, 365),
    exportsDays: z._default(days, 30),
    logsDays: z._default(days, 30),
    rawEventsDays: z._default(days, 30),
  }), {
    jobsDays: 90,
    dailySnapshotsDays: 90,
    weeklySnapshotsDays: 730,
    monthlySnapshotsDays: 1825,
    proofsDays: 365,
    exportsDays: 30,
    logsDays: 30,
    rawEventsDays: 30,
  }),
  rollup: z._default(z.strictObject({
    debounceMs: z._default(z.number().check(z.int(), z.gte(0), z.lte(300_000)), 5000),
    lookbackHours: z._default(z.number().check(z.int(), z.gte(1), z.lte(24 * 31)), 48),
    maxCardinalityPerMetricDay: z._default(z.number().check(z.int(), z.gte(1), z.lte(1_000_000)), 1000),
    /** Event objects larger than this are refused (named in the run, counted for nothing) rather than read. */
    maxObjectBytes: z._default(z.number().check(z.int(), z.gte(1024), z.lte(5 * 1024 ** 3)), DEFAULT_MAX_OBJECT_BYTES),
    /**
     * Past one function: a run with at least `minObjects` objects to read hands its hours to
     * `workers` partition runs of the rollup function (each under its own lease) and then
     * recomputes and publishes the days. Absent: every run absorbs everything itself.
     */
    fanOut: z.optional(z.strictObject({
      minObjects: z.number().check(z.int(), z.gte(1), z.lte(10_000_000)),
      workers: z.number().check(z.int(), z.gte(1), z.lte(MAX_FAN_OUT_WORKERS)),
    })),
  }), { debounceMs: 5000, lookbackHours: 48, maxCardinalityPerMetricDay: 1000, maxObjectBytes: DEFAULT_MAX_OBJECT_BYTES }),
  sweeper: z._default(z.strictObject({
    /** How far back the sweeper looks for scheduled periods that never succeeded. */
    catchUpWindowDays: z._default(z.number().check(z.int(), z.gte(0), z.lte(90)), 7),
    /** At most this many catch-up runs per sweep, oldest first, so an outage does not cause a storm. */
    maxCatchUpPerSweep: z._default(z.number().check(z.int(), z.gte(0), z.lte(100)), 5),
    /** A slot younger than this is left to its own delivery (it may still be claiming). */
    settleMinutes: z._default(z.number().check(z.int(), z.gte(1), z.lte(24 * 60)), 10),
  }), { catchUpWindowDays: 7, maxCatchUpPerSweep: 5, settleMinutes: 10 }),
  snapshots: z._default(snapshotsSchema, defaultSnapshotsConfig),
  scripts: z._default(scriptsConfigSchema, defaultScriptsConfig),
  calendar: calendarSchema,
  health: z._default(z.strictObject({ graceMinutes: z._default(z.number().check(z.int(), z.gte(0), z.lte(24 * 60)), 30) }), { graceMinutes: 30 }),
}).check(
  // Runs even when fields above failed, so one pass reports every problem: the checks read the
  // partly parsed value defensively and leave malformed fields to their own issues.
  z.superRefine(
    (config, ctx) => {
      for (const issue of crossFieldIssues(config)) ctx.addIssue({ code: 'custom', ...issue });
    },
    { when: (payload) => isRecord(payload.value) },
  ),
);

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** References between sections: ratios and checks name declared metrics; dimensions are unique. */
function crossFieldIssues(config: unknown): { path: (string | number)[]; message: string }[] {
  const issues: { path: (string | number)[]; message: string }[] = [];
  if (!isRecord(config)) return issues;
  const metricsSection = isRecord(config['metrics']) ? config['metrics'] : {};
  const ratiosSection = isRecord(config['ratios']) ? config['ratios'] : {};
  const metrics = new Set(Object.keys(metricsSection));
  for (const [name, ratio] of Object.entries(ratiosSection)) {
    if (metrics.has(name)) issues.push({ path: ['ratios', name], message: `"${name}" is already a metric` });
    if (!isRecord(ratio)) continue;
    for (const side of ['numerator', 'denominator'] as const) {
      const metric = ratio[side];
      if (typeof metric === 'string' && !metrics.has(metric)) {
        issues.push({ path: ['ratios', name, side], message: `unknown metric "${metric}" (declare it under metrics)` });
      }
    }
  }
  const metricsAndRatios = new Set([...metrics, ...Object.keys(ratiosSection)]);
  const checks = Array.isArray(config['checks']) ? (config['checks'] as unknown[]) : [];
  checks.forEach((check, index) => {
    if (!isRecord(check)) return;
    const fields = check['kind'] === 'ratio_consistency' ? (['numerator', 'denominator', 'ratio'] as const) : (['metric'] as const);
    for (const field of fields) {
      const metric = check[field];
      if (typeof metric === 'string' && !metricsAndRatios.has(metric)) {
        issues.push({ path: ['checks', index, field], message: `unknown metric "${metric}" (declare it under metrics or ratios)` });
      }
    }
    if (check['kind'] === 'ratio_consistency') issues.push(...ratioConsistencyIssues(check, index, metrics, ratiosSection));
    if (check['kind'] === 'trend' && check['hourly'] === true && typeof check['metric'] === 'string' && Object.hasOwn(ratiosSection, check['metric'])) {
      issues.push({ path: ['checks', index, 'hourly'], message: `"${check['metric']}" is a ratio: the hourly watch judges metrics (watch its numerator and denominator)` });
    }
  });
  const dimensions = Array.isArray(config['dimensions']) ? (config['dimensions'] as unknown[]) : [];
  const seen = new Set<unknown>();
  dimensions.forEach((dimension, index) => {
    if (seen.has(dimension)) issues.push({ path: ['dimensions', index], message: `"${String(dimension)}" is listed twice` });
    seen.add(dimension);
  });
  issues.push(...snapshotsConfigIssues(config), ...catchUpConfigIssues(config));
  return issues;
}

/** A consistency check compares two base metrics; the ratio it names must be made of them. */
function ratioConsistencyIssues(
  check: Record<string, unknown>,
  index: number,
  metrics: Set<string>,
  ratiosSection: Record<string, unknown>,
): { path: (string | number)[]; message: string }[] {
  const issues: { path: (string | number)[]; message: string }[] = [];
  for (const side of ['numerator', 'denominator'] as const) {
    const metric = check[side];
    if (typeof metric === 'string' && Object.hasOwn(ratiosSection, metric)) {
      issues.push({ path: ['checks', index, side], message: `"${metric}" is a ratio; ratio_consistency compares two metrics` });
    }
  }
  const ratioName = check['ratio'];
  if (typeof ratioName === 'string' && metrics.has(ratioName)) {
    issues.push({ path: ['checks', index, 'ratio'], message: `"${ratioName}" is a metric, not a ratio (declare it under ratios)` });
  }
  const ratio = typeof ratioName === 'string' && Object.hasOwn(ratiosSection, ratioName) ? ratiosSection[ratioName] : undefined;
  if (isRecord(ratio) && (ratio['numerator'] !== check['numerator'] || ratio['denominator'] !== check['denominator'])) {
    issues.push({
      path: ['checks', index, 'ratio'],
      message: `ratio "${String(ratioName)}" is ${String(ratio['numerator'])} / ${String(ratio['denominator'])}, not ${String(check['numerator'])} / ${String(check['denominator'])}`,
    });
  }
  return issues;
}

/** What a config file writes: every field with a default may be left out. */
export type NightshiftConfigInput = z.input<typeof configSchema>;
/** The validated config, defaults filled in. */
export type NightshiftConfig = z.output<typeof configSchema>;
export type CheckConfig = NightshiftConfig['checks'][number];
