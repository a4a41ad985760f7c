import type { JobLedger } from './ports';
import type { JobRecord } from './record';
import type { JobType } from './job-types';
import type { CatalogView } from './scheduled-task';
import { isSuccessful } from './states';
import { formatLocalTimeNamed } from '../time/display';
import { typicalIntervalMs } from '../time/schedule';

/** The schedules of one job type, as health needs them. */
export interface HealthSchedule {
  name: string;
  expression: string;
  timezone: string;
  enabled: boolean;
}

export interface RunBrief {
  id: string;
  status: string;
  createdAt: string;
  finishedAt?: string;
  period?: string;
}

export interface JobHealth {
  healthy: boolean;
  /** Why it is (un)healthy, in words an operator can act on. */
  reason: string;
  schedules: string[];
  /** The shortest interval among its enabled schedules; stale after twice this. */
  intervalMs?: number;
  lastRun: RunBrief | null;
  /** The last run that succeeded (or ended with a warning). */
  lastSuccess: RunBrief | null;
  /**
   * The last run that did its work: a success, or what its job type counts as done (a critical
   * sampling proof found bad data; the job ran). Freshness is judged on this one.
   */
  lastCompleted: RunBrief | null;
}

export interface HealthInput {
  ledger: JobLedger;
  now: Date;
  deployedAt: Date;
  graceMs: number;
  /** The job type's own rule for a run that did its work (the catalog's). */
  ranToTheEnd: CatalogView['ranToTheEnd'];
  /** The business time zone: times in the reasons are its wall clock. */
  timezone: string;
}

/** How far back to look for a last success outside the staleness window: a few pages, never a scan. */
const SUCCESS_SEARCH_PAGES = 3;
const PAGE = 100;

/**
 * A scheduled job type is healthy when a run of it ran to the end (succeeded, or what its type
 * counts as done) within twice its interval. Until it has had
 * that long since the deploy (plus the grace period), it is given the benefit of the doubt.
 * Job types without schedules run on demand and are never stale.
 */
export async function jobHealth(input: HealthInput, type: JobType, schedules: readonly HealthSchedule[]): Promise<JobHealth> {
  const { now } = input;
  const enabled = schedules.filter((s) => s.enabled);
  const intervals = enabled
    .map((s) => typicalIntervalMs(s.expression, now, { timezone: s.timezone }))
    .filter((ms): ms is number => ms !== undefined);
  const intervalMs = intervals.length > 0 ? Math.min(...intervals) : undefined;

  const { last, success, completed } = await findLastDone(input, type);
  const lastRun = last ? brief(last) : null;
  const base = {
    schedules: enabled.map((s) => s.name),
    lastRun,
    lastSuccess: success ? brief(success) : null,
    lastCompleted: completed ? brief(completed) : null,
    ...(intervalMs !== undefined ? { intervalMs } : {}),
  };

  if (intervalMs === undefined) return { ...base, healthy: true, reason: 'runs on demand (no enabled schedule)' };
  const window = 2 * intervalMs;
  const judgedFrom = input.deployedAt.getTime() + input.graceMs;
  if (completed && now.getTime() - Date.parse(completed.createdAt) <= window) {
    const reason = isSuccessful(completed.status)
      ? `succeeded within 2× its interval (${describeMs(window)})`
      : `ran to the end within 2× its interval (${describeMs(window)}): ${completed.status}, which a ${type} run counts as done`;
    return { ...base, healthy: true, reason };
  }
  if (now.getTime() - judgedFrom < window) {
    return { ...base, healthy: true, reason: `deployed recently: judged from ${formatLocalTimeNamed(new Date(judgedFrom + window), input.timezone)}` };
  }
  return {
    ...base,
    healthy: false,
    reason: completed
      ? `no run ran to the end within 2× its interval (${describeMs(window)}); the last that did was created ${formatLocalTimeNamed(completed.createdAt, input.timezone)}`
      : `no run ran to the end within 2× its interval (${describeMs(window)}), nor any in recent runs`,
  };
}

/**
 * The newest run, the newest successful one and the newest that ran to the end (often the same),
 * from the same few pages. A rollup's partition workers (`fan-out`) are parts of their
 * coordinating run, not runs of the job: a worker that succeeded says nothing of the rollup.
 */
async function findLastDone({ ledger, ranToTheEnd }: HealthInput, type: JobType): Promise<{ last?: JobRecord; success?: JobRecord; completed?: JobRecord }> {
  let last: JobRecord | undefined;
  let success: JobRecord | undefined;
  let completed: JobRecord | undefined;
  let cursor: string | undefined;
  for (let page = 0; page < SUCCESS_SEARCH_PAGES && !(last && success && completed); page += 1) {
    const result = await ledger.list({ type, limit: PAGE, ...(cursor ? { cursor } : {}) });
    const whole = result.items.filter((job) => job.trigger !== 'fan-out');
    last ??= whole[0];
    success ??= whole.find((job) => isSuccessful(job.status));
    completed ??= whole.find(ranToTheEnd);
    if (!result.nextCursor) break;
    cursor = result.nextCursor;
  }
  return { ...(last ? { last } : {}), ...(success ? { success } : {}), ...(completed ? { completed } : {}) };
}

function brief(job: JobRecord): RunBrief {
  return {
    id: job.id,
    status: job.status,
    createdAt: job.createdAt,
    ...(job.finishedAt ? { finishedAt: job.finishedAt } : {}),
    ...(job.period ? { period: job.period } : {}),
  };
}

function describeMs(ms: number): string {
  if (ms % 86_400_000 === 0) return `${ms / 86_400_000} d`;
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000} h`;
  if (ms % 60_000 === 0) return `${ms / 60_000} min`;
  return `${Math.round(ms / 1000)} s`;
}
