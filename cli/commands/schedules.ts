import { formatTime, timeHeading } from '../../functions/client/display-time';
import type { SchedulerTask } from '../../functions/client/types';
import { booleanOption, EXIT, type Command } from '../command';
import { formatTable, json, line } from '../output';

/**
 * What `--check` fails on: an invalid expression, or a DST gap that costs a schedule a whole
 * day's firing (a daily 02:30 in America/Los_Angeles). An hourly schedule losing one slot on the
 * spring-forward day is reported but passes, unless `--strict`.
 */
export function scheduleProblems(tasks: readonly SchedulerTask[], strict: boolean): string[] {
  const problems: string[] = [];
  for (const task of tasks) {
    for (const warning of task.warnings) {
      if (warning.code === 'invalid_expression') problems.push(`${task.name}: ${warning.message}`);
      else if (task.enabled && warning.code === 'dst_gap' && (strict || warning.missedDays.length > 0)) problems.push(`${task.name}: ${warning.message}`);
    }
  }
  return problems;
}

/**
 * The schedules as a table, each one's following fire times, then every DST warning. Times are in
 * `timezone` (the business zone) like everywhere else; ZONE is the zone the expression is read in.
 */
export function formatSchedules(tasks: readonly SchedulerTask[], timezone: string): string {
  const lines = [
    formatTable(tasks, [
      { header: 'NAME', value: (task) => task.name },
      { header: 'TYPE', value: (task) => task.type },
      { header: 'EXPRESSION', value: (task) => task.expression },
      { header: 'ZONE', value: (task) => task.timezone },
      { header: timeHeading('NEXT', timezone), value: (task) => (task.enabled ? formatTime(task.nextRuns[0]?.utc, timezone) || 'never' : 'disabled') },
      { header: 'LAST RUN', value: (task) => (task.lastRun ? `${task.lastRun.status} ${formatTime(task.lastRun.createdAt, timezone)}` : '—') },
    ]),
  ];
  for (const task of tasks) {
    if (task.nextRuns.length > 1) lines.push(`${task.name} then: ${task.nextRuns.slice(1).map((run) => formatTime(run.utc, timezone)).join(', ')}`);
  }
  const warnings = tasks.flatMap((task) => task.warnings.map((warning) => `${task.name}: ${warning.message}`));
  if (warnings.length > 0) lines.push(`\nwarnings\n${warnings.map((text) => `  ${text}`).join('\n')}`);
  return lines.join('\n');
}

const schedules: Command = {
  path: ['schedules'],
  synopsis: '[--check [--strict]]',
  summary: 'Every schedule: next fire times, last run, DST warnings',
  options: {
    check: { type: 'boolean', description: 'exit 1 when a schedule is invalid or a DST gap makes it miss a whole day' },
    strict: { type: 'boolean', description: 'with --check: also fail when a DST gap skips any slot' },
  },
  positionals: [0, 0],
  examples: ['nightshift schedules', 'nightshift schedules --check   # in CI, after changing schedules'],
  async run(context) {
    const check = booleanOption(context, 'check');
    if (booleanOption(context, 'strict') && !check) context.usage('--strict goes with --check');
    const { tasks } = await context.client.schedulerTasks();
    const problems = check ? scheduleProblems(tasks, booleanOption(context, 'strict')) : [];
    if (context.json) {
      json(context.io, check ? { tasks, problems } : { tasks });
    } else {
      line(context.io, formatSchedules(tasks, await context.timezone()));
      if (check) line(context.io, problems.length === 0 ? '\ncheck: ok' : `\ncheck: ${problems.length} problem(s)\n${problems.map((text) => `  ${text}`).join('\n')}`);
    }
    return problems.length > 0 ? EXIT.failed : EXIT.ok;
  },
};

export const scheduleCommands: readonly Command[] = [schedules];
