import * as z from 'zod';
import { formatStats } from '../../commands/data';
import { statsOutput } from '../output-schemas';
import { defineTool, localDay } from '../tool';

export const getStats = defineTool({
  name: 'get_stats',
  title: 'Daily stats of a metric',
  description:
    'Daily count, sum, min and max of one metric over local days (both included, at most the API\'s range) in the business time zone, from the rolled-up events (GET /stats). With groupBy, one row per day and value of that dimension (e.g. store, channel).',
  input: z.strictObject({
    metric: z.string().min(1).describe('The metric, e.g. revenue, orders, sessions'),
    from: localDay('First local day, YYYY-MM-DD'),
    to: localDay('Last local day, YYYY-MM-DD (included)'),
    groupBy: z.string().min(1).max(64).optional().describe('A dimension kept for the metric (e.g. store, channel): one row per value'),
  }),
  output: statsOutput,
  annotations: { readOnlyHint: true, openWorldHint: false },
  async run(args, context) {
    const result = await context.client.stats({ metric: args.metric, from: args.from, to: args.to, ...(args.groupBy ? { groupBy: args.groupBy } : {}) });
    return { text: formatStats(result, args.groupBy), structured: { ...result } };
  },
});
