import { formatTime, timeHeading } from '../../functions/client/display-time';
import type { ScheduleSlot, ScheduleSlots, SchedulerTask, SlotFate } from '../../functions/client/types';
import { MISSED_SLOT_FATES, SLOT_FATES } from '../../functions/client/types';
import { shortId } from '../../functions/client/outcome';
import { booleanOption, EXIT, stringOption, type Command } from '../command';
import { parseSince } from './jobs';
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
      { header: 'LAST SUCCESS', value: (task) => (task.lastSuccess ? formatTime(task.lastSuccess.createdAt, timezone) : '—') },
      { header: 'CATCH-UP', value: (task) => (task.catchUp.mode === 'none' ? 'none' : `${task.catchUp.mode} ${task.catchUp.window} ≤${task.catchUp.maxPerSweep}/sweep`) },
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

/** `skipped (dst_gap)`, `caught_up (missed)`: a fate with its reason. */
function fateText(slot: ScheduleSlot): string {
  return slot.reason ? `${slot.fate} (${slot.reason})` : slot.fate;
}

/**
 * A schedule's slots, oldest first: the slot's wall time in the schedule's zone (`*` marks a
 * DST-gap slot), its fate, its period, and the run that stands for it; then the count per fate.
 */
export function formatSlots(result: ScheduleSlots, only?: readonly SlotFate[]): string {
  const slots = only ? result.slots.filter((slot) => only.includes(slot.fate)) : result.slots;
  const table =
    slots.length === 0
      ? `no ${only ? `${only.join(' or ')} ` : ''}slots of ${result.schedule} from ${result.from} to ${result.to}`
      : formatTable(slots, [
          { header: `SLOT (${result.timezone})`, value: (slot) => `${slot.local.slice(0, 16).replace('T', ' ')}${slot.dstGap ? '*' : ''}` },
          { header: 'FATE', value: fateText },
          { header: 'PERIOD', value: (slot) => slot.period ?? '—' },
          { header: 'RUN', value: (slot) => (slot.run ? `${shortId(slot.run.id)} ${slot.run.status} (${slot.run.trigger})` : '—') },
        ]);
  const counts = SLOT_FATES.filter((fate) => result.counts[fate] > 0).map((fate) => `${fate} ${result.counts[fate]}`);
  const gap = slots.some((slot) => slot.dstGap) ? '\n* in a spring-forward gap: EventBridge never fires it' : '';
  return `${table}${gap}\n${result.slots.length} slots: ${counts.join(', ') || 'none'}`;
}


const slots: Command = {
  path: ['schedules', 'slots'],
  synopsis: '<name> [--from <time>] [--to <time>] [--missed]',
  summary: "A schedule's slots and what became of each: fired, caught up, skipped in a DST gap, missing…",
  options: {
    from: { type: 'string', description: 'exclusive; an ISO time or an age (7d, 36h); default 14 days before --to' },
    to: { type: 'string', description: 'inclusive; an ISO time or an age; default now' },
    missed: { type: 'boolean', description: 'only slots past due with no run standing for them (missing, skipped, dead-lettered, failed)' },
  },
  positionals: [1, 1],
  examples: ['nightshift schedules slots snapshot-daily', 'nightshift schedules slots rollup-hourly --from 2d --missed'],
  async run(context) {
    const now = new Date();
    const when = (name: 'from' | 'to') => {
      const text = stringOption(context, name);
      return text === undefined ? {} : { [name]: parseSince(text, now, context, name) };
    };
    const result = await context.client.scheduleSlots(context.positionals[0]!, { ...when('from'), ...when('to') });
    const only = booleanOption(context, 'missed') ? MISSED_SLOT_FATES : undefined;
    if (context.json) json(context.io, only ? { ...result, slots: result.slots.filter((slot) => only.includes(slot.fate)) } : result);
    else line(context.io, formatSlots(result, only));
    return EXIT.ok;
  },
};

export const scheduleCommands: readonly Command[] = [schedules, slots];
