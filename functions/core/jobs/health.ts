import type { JobLedger } from './ports';
import type { JobRecord } from './record';
import type { JobType } from './job-types';
import type { CatalogView } from './scheduled-task';
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
  lastSuccess: RunBrief | null;
}

export interface HealthInput {
  ledger: JobLedger;
  now: Date;
  deployedAt: Date;
  graceMs: number;
  /** The job type's own rule for a run that did its work (the catalog's). */
  ranToTheEnd: CatalogView['ranToTheEnd'];
}

/** How far back to look for a last success outside the staleness window: a few pages, never a scan. */
const SUCCESS_SEARCH_PAGES = 3;
const PAGE = 100;

/**
 * A scheduled job type is healthy when it succeeded within twice its interval. Until it has had
 * that long since the deploy (plus the grace period), it is given the benefit of the doubt.
 * Job types without schedules run on demand and are never stale.
 */
export async function jobHealth(input: HealthInput, type: JobType, schedules: readonly HealthSchedule[]): Promise<JobHealth> {
  const { ledger, now } = input;
  const enabled = schedules.filter((s) => s.enabled);
  const intervals = enabled
    .map((s) => typicalIntervalMs(s.expression, now, { timezone: s.timezone }))
    .filter((ms): ms is number => ms !== undefined);
  const intervalMs = intervals.length > 0 ? Math.min(...intervals) : undefined;

  const latest = await ledger.list({ type, limit: 1 });
  const lastRun = latest.items[0] ? brief(latest.items[0]) : null;
  const success = await findLastSuccess(input, type);
  const lastSuccess = success ? brief(success) : null;
  const base = { schedules: enabled.map((s) => s.name), lastRun, lastSuccess, ...(intervalMs !== undefined ? { intervalMs } : {}) };

  if (intervalMs === undefined) return { ...base, healthy: true, reason: 'runs on demand (no enabled schedule)' };
  const window = 2 * intervalMs;
  const judgedFrom = input.deployedAt.getTime() + input.graceMs;
  if (success && now.getTime() - Date.parse(success.createdAt) <= window) {
    return { ...base, healthy: true, reason: `succeeded within 2× its interval (${describeMs(window)})` };
  }
  if (now.getTime() - judgedFrom < window) {
    return { ...base, healthy: true, reason: `deployed recently: judged from ${new Date(judgedFrom + window).toISOString()}` };
  }
  return {
    ...base,
    healthy: false,
    reason: success
      ? `no success within 2× its interval (${describeMs(window)}); last success ${success.createdAt}`
      : `no success within 2× its interval (${describeMs(window)}) and none found in recent runs`,
  };
}

async function findLastSuccess({ ledger, ranToTheEnd }: HealthInput, type: JobType): Promise<JobRecord | undefined> {
  let cursor: string | undefined;
  for (let page = 0; page < SUCCESS_SEARCH_PAGES; page += 1) {
    const result = await ledger.list({ type, limit: PAGE, ...(cursor ? { cursor } : {}) });
    const found = result.items.find(ranToTheEnd);
    if (found) return found;
    if (!result.nextCursor) return undefined;
    cursor = result.nextCursor;
  }
  return undefined;
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
