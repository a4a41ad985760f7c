import { catalogEntry, jobCatalog } from '../../catalog';
import { jobHealth, type JobHealth } from '../../core/jobs/health';
import type { JobType } from '../../core/jobs/job-types';
import { NotFoundError } from '../errors';
import type { ApiContext, RouteHandler } from '../http';

async function healthOf(context: ApiContext, types: readonly JobType[]): Promise<Record<string, JobHealth>> {
  const { deps } = context;
  const tasks = deps.catalog.schedules;
  const input = {
    ledger: deps.ledger,
    now: deps.clock.now(),
    deployedAt: context.deployedAt,
    graceMs: deps.config.health.graceMinutes * 60_000,
    ranToTheEnd: deps.catalog.ranToTheEnd,
    timezone: deps.config.timezone,
  };
  const entries = await Promise.all(
    types.map(async (type) => [type, await jobHealth(input, type, tasks.filter((t) => t.type === type))] as const),
  );
  return Object.fromEntries(entries);
}

/** GET /health: 200 when every scheduled job type is fresh, 503 otherwise. */
export const getHealth: RouteHandler = async (_request, context) => {
  const jobs = await healthOf(context, jobCatalog.map((entry) => entry.type));
  const healthy = Object.values(jobs).every((job) => job.healthy);
  return {
    status: healthy ? 200 : 503,
    body: { status: healthy ? 'ok' : 'degraded', version: context.version, time: context.deps.clock.now().toISOString(), timezone: context.deps.config.timezone, jobs },
  };
};

/** GET /health/{type}: the same for one job type; 404 for a type this build does not ship. */
export const getTypeHealth: RouteHandler = async (request, context) => {
  const type = request.pathParameters['type'] ?? '';
  try {
    catalogEntry(type);
  } catch {
    throw new NotFoundError(`no job type "${type}" (known: ${jobCatalog.map((e) => e.type).join(', ')})`);
  }
  const jobs = await healthOf(context, [type]);
  const health = jobs[type]!;
  return {
    status: health.healthy ? 200 : 503,
    body: { status: health.healthy ? 'ok' : 'degraded', version: context.version, timezone: context.deps.config.timezone, type, ...health },
  };
};
