import { DateTime } from 'luxon';
import * as z from 'zod/mini';
import '../../core/zod-mini-english';
import type { ScheduledTask } from '../../core/jobs/scheduled-task';
import { describeError } from '../../core/errors';
import { catchUpPolicy } from '../../core/jobs/catch-up-policy';
import { latestScheduleRuns } from '../../core/jobs/slots/latest-runs';
import { fireTimesBetween, nextFireTimes, scheduleWarnings } from '../../core/time/schedule';
import type { RouteHandler } from '../http';
import { parseInput } from '../validation';

const NEXT_RUNS = 5;
/** No parameters: an unknown one is a 400 that names it, as on every route. */
export const schedulerTasksQuery = z.strictObject({});

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
 * from its creation), its last run and last success (through its slots, whatever started the
 * run: `latestScheduleRuns`), its catch-up policy, and its DST warnings over the next two years.
 */
export const listSchedulerTasks: RouteHandler = async (request, context) => {
  parseInput(schedulerTasksQuery, request.query, 'query');
  const { deps } = context;
  const now = deps.clock.now();
  const tasks = deps.catalog.schedules;
  const latest = await Promise.all(tasks.map((task) => latestScheduleRuns(deps, task, context.deployedAt)));
  return {
    status: 200,
    body: {
      tasks: tasks.map((task, index) => {
        const { nextRuns, warnings } = preview(task, now, context.deployedAt);
        const { lastRun, lastSuccess } = latest[index] ?? {};
        const { mode, window, maxPerSweep } = catchUpPolicy(task, deps.config.sweeper);
        return {
          name: task.name,
          type: task.type,
          expression: task.expression,
          timezone: task.timezone,
          enabled: task.enabled,
          period: task.period,
          description: task.description ?? null,
          nextRuns,
          lastRun: lastRun ?? null,
          lastSuccess: lastSuccess ?? null,
          catchUp: { mode, window, maxPerSweep },
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
