import * as z from 'zod';
import type { JobLogs, JobStatus, LogStream } from '../../../functions/client/types';
import { describeJob, jobColumns, parseWhen } from '../../commands/jobs';
import { formatTable } from '../../output';
import { jobPageOutput, jobRecordOutput, logsOutput } from '../output-schemas';
import { defineTool, ToolInputError, type NightshiftTool } from '../tool';

const STATUSES = ['queued', 'running', 'succeeded', 'warning', 'failed', 'timed_out', 'skipped'] as const satisfies readonly JobStatus[];
const RUN_ID = z.string().min(1).max(64).describe('The run id (a ULID such as 01KAXYZ…), as list_jobs, run_job or run_script return it');
const WHEN = 'An ISO-8601 time with an offset (2026-11-23T08:00:00Z) or an age back from now: 30m, 6h, 7d';

export const listJobs = defineTool({
  name: 'list_jobs',
  title: 'List runs',
  description:
    'List job runs (rollup, snapshot, sampling-proof, export, sweeper, script-run…), newest first, one page at a time. Filter by type, status and creation time. Each run has id, type, status, trigger, period, timings, summary and error; get_job shows one in full.',
  input: z.strictObject({
    type: z.string().min(1).optional().describe('Only runs of this job type, e.g. snapshot, rollup, sampling-proof, export, sweeper, script-run'),
    status: z.enum(STATUSES).optional().describe('Only runs in this status'),
    since: z.string().optional().describe(`Only runs created at or after this. ${WHEN}`),
    until: z.string().optional().describe(`Only runs created at or before this. ${WHEN}`),
    limit: z.number().int().min(1).max(100).default(20).describe('Runs per page, 1-100 (default 20)'),
    cursor: z.string().optional().describe('nextCursor of the previous page, for the next one (same filters)'),
  }),
  output: jobPageOutput,
  annotations: { readOnlyHint: true, openWorldHint: false },
  async run(args, context) {
    const now = new Date(context.now());
    const when = (name: 'since' | 'until') => {
      const text = args[name];
      if (text === undefined) return {};
      const iso = parseWhen(text, now);
      if (iso === undefined) throw new ToolInputError(`invalid arguments: ${name}: must be ${WHEN.charAt(0).toLowerCase()}${WHEN.slice(1)}; got ${JSON.stringify(text)}`);
      return { [name]: iso };
    };
    const page = await context.client.listJobs({
      ...(args.type ? { type: args.type } : {}),
      ...(args.status ? { status: args.status } : {}),
      ...when('since'),
      ...when('until'),
      limit: args.limit,
      ...(args.cursor ? { cursor: args.cursor } : {}),
    });
    const table = page.items.length === 0 ? 'no runs match' : formatTable(page.items, jobColumns(await context.timezone()));
    const more = page.nextCursor ? `\nmore runs match: call list_jobs again with cursor "${page.nextCursor}"` : '';
    return { text: table + more, structured: { ...page } };
  },
});

export const getJob = defineTool({
  name: 'get_job',
  title: 'Show a run',
  description: "One run in full: status, trigger, period, params, timings, summary, error, exit code, the last 4 KiB of a script's output, and its artifacts with short-lived download links.",
  input: z.strictObject({ id: RUN_ID }),
  output: jobRecordOutput,
  annotations: { readOnlyHint: true, openWorldHint: false },
  async run(args, context) {
    const job = await context.client.getJob(args.id);
    return { text: describeJob(job, await context.timezone()), structured: { ...job } };
  },
});

export const getJobLogs = defineTool({
  name: 'get_job_logs',
  title: "A script run's output",
  description:
    "A script run's stdout and stderr as stored (only script-run runs write them, once the script has ended). Long streams are cut to their last maxChars characters; the answer says how much is left out and links the whole stream.",
  input: z.strictObject({
    id: RUN_ID,
    maxChars: z.number().int().min(100).max(200_000).default(8_000).describe('Show at most this many characters of each stream, from its end (default 8000)'),
  }),
  output: logsOutput,
  annotations: { readOnlyHint: true, openWorldHint: false },
  async run(args, context) {
    const logs = await context.client.getJobLogs(args.id);
    const structured = logTails(logs, args.maxChars);
    return { text: describeLogs(structured), structured };
  },
});

export type LogTail = { text: string; bytes: number; omittedChars: number; truncated: boolean; url: string } | null;
export type LogTails = { jobId: string; type: string; status: JobStatus; available: boolean; message?: string; stdout?: LogTail; stderr?: LogTail };

/**
 * The end of each stream, at most `maxChars`: a script's result and its errors are at the end,
 * and a whole 10 MiB log would drown the conversation. A cut starts at a line.
 */
export function logTails(logs: JobLogs, maxChars: number): LogTails {
  const base = { jobId: logs.jobId, type: logs.type, status: logs.status };
  if (!logs.available) return { ...base, available: false, message: logs.message };
  const tail = (stream: LogStream | null): LogTail => {
    if (stream === null) return null;
    const whole = stream.text ?? '';
    let text = whole.length > maxChars ? whole.slice(-maxChars) : whole;
    const newline = text.length < whole.length ? text.indexOf('\n') : -1;
    if (newline !== -1 && newline < text.length - 1) text = text.slice(newline + 1);
    // Not inline (over the API's inline limit): nothing here, all of it behind the link.
    const omittedChars = stream.text === undefined ? stream.size : whole.length - text.length;
    return { text, bytes: stream.bytesWritten, omittedChars, truncated: stream.truncated, url: stream.url };
  };
  return { ...base, available: true, stdout: tail(logs.stdout), stderr: tail(logs.stderr) };
}

/** Each stream under a header saying how much of it is shown. */
export function describeLogs(logs: LogTails): string {
  if (!logs.available) return `no logs for run ${logs.jobId}: ${logs.message ?? 'none stored'}`;
  return (['stdout', 'stderr'] as const)
    .map((name) => {
      const stream = logs[name];
      if (!stream) return `${name}: none`;
      if (stream.bytes === 0) return `${name}: empty`;
      const notes = [`${stream.bytes} bytes`, stream.omittedChars > 0 ? `last ${stream.text.length} characters shown` : '', stream.truncated ? 'cut at the output cap when stored' : ''].filter(Boolean);
      const body = stream.text === '' ? `(too big to show here: ${stream.url})` : stream.text.trimEnd();
      return `${name} (${notes.join(', ')}):\n${body}`;
    })
    .join('\n\n');
}

export const jobTools: readonly NightshiftTool[] = [listJobs, getJob, getJobLogs];
