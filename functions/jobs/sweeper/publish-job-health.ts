import type { ScheduledTask } from '../../core/jobs/scheduled-task';
import type { JobDependencies } from '../../core/jobs/definition';
import { jobHealth } from '../../core/jobs/health';
import type { JobType } from '../../core/jobs/job-types';

/**
 * Publishes `GET /health`'s verdict for every job type with an enabled schedule, so an alarm
 * can watch staleness without anyone polling the API. The same `jobHealth` rule and the same
 * grace after a deploy; nothing is published without a metrics port or a deploy time (the
 * local cloud, tests). Returns the verdicts it published.
 */
export async function publishJobHealth(deps: JobDependencies, tasks: readonly ScheduledTask[]): Promise<Partial<Record<JobType, boolean>>> {
  const { runMetrics, deployedAt } = deps;
  if (!runMetrics || !deployedAt) return {};
  const input = { ledger: deps.ledger, now: deps.clock.now(), deployedAt, graceMs: deps.config.health.graceMinutes * 60_000, ranToTheEnd: deps.catalog.ranToTheEnd, timezone: deps.config.timezone };
  const scheduledTypes = [...new Set(tasks.filter((task) => task.enabled).map((task) => task.type))];
  const verdicts: Partial<Record<JobType, boolean>> = {};
  for (const type of scheduledTypes) {
    const health = await jobHealth(input, type, tasks.filter((task) => task.type === type));
    runMetrics.recordJobHealth(type, health.healthy);
    verdicts[type] = health.healthy;
  }
  return verdicts;
}
