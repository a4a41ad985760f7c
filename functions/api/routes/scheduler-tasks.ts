import { DateTime } from 'luxon';
import * as z from 'zod';
import type { ScheduledTask } from '../../core/jobs/scheduled-task';
import { describeError } from '../../core/errors';
import type { JobRecord } from '../../core/jobs/record';
import type { JobDependencies } from '../../core/jobs/definition';
import { fireTimesBetween, nextFireTimes, scheduleWarnings } from '../../core/time/schedule';
import type { RouteHandler } from '../http';
import { parseInput } from '../validation';

const NEXT_RUNS = 5;
/**
 * A schedule's last run is the newest run of its type that the schedule started (`triggeredBy`
 * is the schedule's name). Looking further back than this many runs of the type would make the
 * route's cost grow with history; a schedule with no run among them shows `lastRun: null`.
 */
const LAST_RUN_LOOKBACK = 200;
const PAGE = 100;
/** No parameters: an unknown one is a 400 that names it, as on every route. */
export const schedulerTasksQuery = z.object({}).strict();

interface TaskWarning {
  code: 'dst_gap' | 'dst_overlap' | 'invalid_expression';
  message: string;
  dates: string[];
  /**
   * Of `dates`, the local days on which the schedule does not fire at all because of the gap (a
   * daily 02:30 on the spring-forward day), as opposed to losing one slot of many (an hourly).
   */
  missedDays: string[];
}

/**
 * GET /scheduler/tasks: every configured schedule with its next fire times (the schedule
 * module's, DST rules included; rate() counts from the deploy, as the deployed schedule does
 * from its creation), its last run, and its DST warnings over the next two years.
 */
export const listSchedulerTasks: RouteHandler = async (request, context) => {
  parseInput(schedulerTasksQuery, request.query, 'query');
  const { deps } = context;
  const now = deps.clock.now();
  const tasks = deps.catalog.schedules;
  const lastRuns = await lastRunsBySchedule(deps, tasks);
  return {
    status: 200,
    body: {
      tasks: tasks.map((task) => {
        const { nextRuns, warnings } = preview(task, now, context.deployedAt);
        const last = lastRuns.get(task.name);
        return {
          name: task.name,
          type: task.type,
          expression: task.expression,
          timezone: task.timezone,
          enabled: task.enabled,
          period: task.period,
          description: task.description ?? null,
          nextRuns,
          lastRun: last ? { id: last.id, status: last.status, createdAt: last.createdAt, finishedAt: last.finishedAt ?? null } : null,
          warnings,
        };
      }),
    },
  };
};

function preview(task: ScheduledTask, now: Date, anchor: Date): { nextRuns: Array<{ utc: string; local: string }>; warnings: TaskWarning[] } {
  try {
    const options = { timezone: task.timezone, anchor };
    const nextRuns = task.enabled
      ? nextFireTimes(task.expression, now, NEXT_RUNS, options).map((time) => ({
          utc: time.toISOString(),
          local: DateTime.fromJSDate(time, { zone: task.timezone }).toISO({ suppressMilliseconds: true }) ?? time.toISOString(),
        }))
      : [];
    const warnings = scheduleWarnings(task.expression, { timezone: task.timezone, from: now }).map(({ code, message, dates }) => ({
      code,
      message,
      dates,
      missedDays: code === 'dst_gap' ? dates.filter((date) => !firesOn(task, date, anchor)) : [],
    }));
    return { nextRuns, warnings };
  } catch (error) {
    // Config validation refuses bad expressions at start, so this only guards a config that
    // skipped it: show the problem on the task rather than failing the whole list.
    return { nextRuns: [], warnings: [{ code: 'invalid_expression', message: describeError(error).message, dates: [], missedDays: [] }] };
  }
}

/** Whether the schedule fires at least once on this local day of its zone. */
function firesOn(task: ScheduledTask, date: string, anchor: Date): boolean {
  const start = DateTime.fromISO(date, { zone: task.timezone }).startOf('day');
  const from = new Date(start.toMillis() - 1);
  const to = new Date(start.plus({ days: 1 }).toMillis() - 1);
  return fireTimesBetween(task.expression, from, to, { timezone: task.timezone, anchor }, 1).length > 0;
}

/** One newest-first walk per job type (shared by its schedules), stopping once every schedule has its run. */
async function lastRunsBySchedule(deps: JobDependencies, tasks: readonly ScheduledTask[]): Promise<Map<string, JobRecord>> {
  const found = new Map<string, JobRecord>();
  const namesByType = new Map<string, Set<string>>();
  for (const task of tasks) namesByType.set(task.type, (namesByType.get(task.type) ?? new Set()).add(task.name));
  await Promise.all(
    [...namesByType].map(async ([type, names]) => {
      let cursor: string | undefined;
      let seen = 0;
      do {
        const page = await deps.ledger.list({ type, limit: PAGE, ...(cursor ? { cursor } : {}) });
        for (const job of page.items) {
          if (names.has(job.triggeredBy) && !found.has(job.triggeredBy)) found.set(job.triggeredBy, job);
        }
        seen += page.items.length;
        cursor = page.nextCursor;
      } while (cursor && seen < LAST_RUN_LOOKBACK && [...names].some((name) => !found.has(name)));
    }),
  );
  return found;
}
