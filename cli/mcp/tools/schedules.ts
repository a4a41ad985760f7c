import * as z from 'zod';
import { formatSchedules } from '../../commands/schedules';
import { schedulesOutput } from '../output-schemas';
import { defineTool } from '../tool';

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
