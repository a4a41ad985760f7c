import * as z from 'zod/mini';
import '../../core/zod-mini-english';
import { jobCatalog, scheduledTasks } from '../../catalog';
import type { JobTypeDeclaration } from '../../jobs/job-type-definition';
import { periodForSlot } from '../../core/jobs/schedule-period';
import { submitRun } from '../../core/jobs/submit-run';
import { previousPeriod, type PeriodType } from '../../core/time/periods';
import type { NightshiftConfig } from '../../core/config';
import { BadRequestError } from '../errors';
import { jsonBody, type RouteHandler } from '../http';
import { parseInput } from '../validation';

export const triggerScheduleBody = z.strictObject({ force: z._default(z.boolean(), false) });

/** The snapshot kinds by name: each runs the snapshot of the previous period of that kind. */
const snapshotKinds: ReadonlyMap<string, PeriodType> = new Map([
  ['daily', 'day'],
  ['weekly', 'week'],
  ['monthly', 'month'],
]);

/**
 * POST /scheduler/trigger/{type}: what a schedule would start, now. `daily`, `weekly` and
 * `monthly` run the snapshot of the previous period of that kind; a job type runs as its
 * schedule would (covering the previous period its schedule names, if any). The body is
 * optional: `{"force": true}` runs again a period that already has a run.
 */
export const triggerSchedule: RouteHandler = async (request, { deps }) => {
  const name = request.pathParameters['type'] ?? '';
  const body = request.body === undefined || request.body.trim() === '' ? { force: false } : parseInput(triggerScheduleBody, jsonBody(request), 'body');
  const { entry, period, params } = resolveTrigger(name, deps.config, deps.clock.now());
  const triggeredBy = request.principal?.name ?? 'api';
  const result = await submitRun(deps, { entry, trigger: 'api', triggeredBy, params, force: body.force, ...(period !== undefined ? { period } : {}) });
  deps.logger.info('manual trigger', { audit: true, principal: triggeredBy, route: 'scheduler', name, jobId: result.job.id, type: entry.type, period, force: body.force });
  if (result.outcome === 'skipped') {
    return { status: 200, body: { job: result.job, existingJobId: result.existingJobId }, headers: { location: `/jobs/${result.existingJobId}` } };
  }
  return { status: 202, body: { job: result.job }, headers: { location: `/jobs/${result.job.id}` } };
};

interface Trigger {
  entry: JobTypeDeclaration;
  period?: string;
  params: Record<string, unknown>;
}

/** A snapshot kind, then a schedule's name (its job, period and params), then a job type. */
function resolveTrigger(name: string, config: NightshiftConfig, now: Date): Trigger {
  const options = { timezone: config.timezone, weekStartsOn: config.weekStartsOn };
  const snapshotKind = snapshotKinds.get(name);
  const snapshot = jobCatalog.find((entry) => entry.type === 'snapshot');
  if (snapshotKind && snapshot) return { entry: snapshot, period: previousPeriod(snapshotKind, now, options).key, params: {} };
  const tasks = scheduledTasks(config);
  const named = tasks.find((task) => task.name === name);
  const entry = jobCatalog.find((candidate) => candidate.type === (named ? named.type : name));
  if (!entry) {
    const valid = [...(snapshot ? snapshotKinds.keys() : []), ...tasks.map((task) => task.name), ...jobCatalog.map((candidate) => candidate.type)];
    throw new BadRequestError(`"${name.slice(0, 64)}" is not something to trigger; valid: ${[...new Set(valid)].join(', ')}`);
  }
  const schedule = named ?? tasks.find((task) => task.type === entry.type && task.period !== 'none');
  const params = named ? { ...named.params } : {};
  if (entry.periodTypes.length === 0) return { entry, params };
  if (!schedule) throw new BadRequestError(`${entry.type} runs cover a period and no schedule names one; start it with POST /jobs and a period`);
  const period = schedule.period === 'none' ? undefined : periodForSlot(config, schedule.period, now.toISOString(), schedule.name);
  return period === undefined ? { entry, params } : { entry, period, params };
}
