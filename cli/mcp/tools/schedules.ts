import * as z from 'zod';
import { MISSED_SLOT_FATES } from '../../../functions/client/types';
import { formatSchedules, formatSlots } from '../../commands/schedules';
import { parseWhen } from '../../commands/jobs';
import { schedulesOutput, slotsOutput } from '../output-schemas';
import { defineTool, ToolInputError } from '../tool';

export const listSchedules = defineTool({
  name: 'list_schedules',
  title: 'List schedules',
  description:
    'Every schedule (GET /scheduler/tasks): its job type, cron or rate expression and time zone, whether it is enabled, the next 5 fire times (UTC and local), its last run, and DST warnings (a fire time that a daylight-saving gap skips or an overlap repeats).',
  input: z.strictObject({}),
  output: schedulesOutput,
  annotations: { readOnlyHint: true, openWorldHint: false },
  async run(_args, context) {
    const result = await context.client.schedulerTasks();
    return { text: result.tasks.length === 0 ? 'no schedules' : formatSchedules(result.tasks, await context.timezone()), structured: { ...result } };
  },
});

const WHEN = 'An ISO-8601 time with an offset (2026-11-23T08:00:00Z) or an age back from now: 30m, 6h, 7d';

export const listScheduleSlots = defineTool({
  name: 'list_schedule_slots',
  title: "List a schedule's slots",
  description:
    "Every slot of one schedule in a time range (GET /scheduler/tasks/{name}/slots), oldest first, each with its fate: fired (its run and status), failed, retried (a failed run taken over), caught_up (made up by the sweeper; reason missed, dst_gap or dead_lettered), skipped (dst_gap: a spring-forward gap EventBridge never fires), period_taken (another run holds its period), dead_lettered, missing (no run, past the settle time), not_yet. Answers 'did every scheduled run happen, and if not what happened instead'. At most 31 days and 2000 slots.",
  input: z.strictObject({
    name: z.string().min(1).max(64).describe('The schedule, as list_schedules names it'),
    from: z.string().optional().describe(`Exclusive start; default 14 days before to. ${WHEN}`),
    to: z.string().optional().describe(`Inclusive end; default now. ${WHEN}`),
    missed: z.boolean().default(false).describe('Only slots past due with no run standing for them (missing, skipped, dead_lettered, failed)'),
  }),
  output: slotsOutput,
  annotations: { readOnlyHint: true, openWorldHint: false },
  async run(args, context) {
    const now = new Date(context.now());
    const when = (name: 'from' | 'to') => {
      const text = args[name];
      if (text === undefined) return {};
      const iso = parseWhen(text, now);
      if (iso === undefined) throw new ToolInputError(`invalid arguments: ${name}: must be ${WHEN.charAt(0).toLowerCase()}${WHEN.slice(1)}; got ${JSON.stringify(text)}`);
      return { [name]: iso };
    };
    const result = await context.client.scheduleSlots(args.name, { ...when('from'), ...when('to') });
    const only = args.missed ? MISSED_SLOT_FATES : undefined;
    const structured = only ? { ...result, slots: result.slots.filter((slot) => only.includes(slot.fate)) } : result;
    return { text: formatSlots(result, only), structured: { ...structured } };
  },
});
