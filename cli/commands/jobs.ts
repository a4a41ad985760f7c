import { formatTime, formatTimeNamed, timeHeading } from '../../functions/client/display-time';
import { describeOutcome } from '../../functions/client/outcome';
import type { JobDetail, JobRecord, JobStatus } from '../../functions/client/types';
import { booleanOption, EXIT, integerOption, stringOption, type Command, type CommandContext } from '../command';
import { followRun } from '../follow-run';
import { formatDuration, formatFields, formatPairs, formatTable, json, line, type Column } from '../output';

const STATUSES: readonly JobStatus[] = ['queued', 'running', 'succeeded', 'warning', 'failed', 'timed_out', 'skipped'];
const FAILED: readonly JobStatus[] = ['failed', 'timed_out'];

/** The runs table; creation times in `timezone`, named in the heading. */
export function jobColumns(timezone: string): readonly Column<JobRecord>[] {
  return [
    { header: 'ID', value: (job) => job.id },
    { header: 'TYPE', value: (job) => job.type },
    { header: 'STATUS', value: (job) => job.status },
    { header: 'TRIGGER', value: (job) => job.trigger },
    { header: 'PERIOD', value: (job) => job.period ?? '' },
    { header: timeHeading('CREATED', timezone), value: (job) => formatTime(job.createdAt, timezone) },
    { header: 'DURATION', value: (job) => formatDuration(job.durationMs), align: 'right' },
    { header: 'BY', value: (job) => job.triggeredBy, maxWidth: 24 },
    { header: 'OUTCOME', value: (job) => describeOutcome(job) },
  ];
}

/** Exit code for a run that has ended: 1 when it failed or timed out. */
export function exitCodeForStatus(status: JobStatus): number {
  return FAILED.includes(status) ? EXIT.failed : EXIT.ok;
}

/** `2h`, `30m`, `7d` ago, or an ISO time with an offset, as the API wants it; undefined when it is neither. */
export function parseWhen(text: string, now: Date): string | undefined {
  const relative = /^(\d+)([mhd])$/.exec(text);
  if (relative) {
    const unitMs = { m: 60_000, h: 3_600_000, d: 86_400_000 }[relative[2] as 'm' | 'h' | 'd'];
    return new Date(now.getTime() - Number(relative[1]) * unitMs).toISOString();
  }
  if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(text) && !Number.isNaN(Date.parse(text))) return text;
  return undefined;
}

export function parseSince(text: string, now: Date, context: CommandContext, name: string): string {
  return parseWhen(text, now) ?? context.usage(`--${name} must be an ISO time with an offset (2026-11-23T08:00:00Z) or an age like 30m, 6h, 7d; got ${JSON.stringify(text)}`);
}

const list: Command = {
  path: ['jobs', 'list'],
  synopsis: '[--type T] [--status S] [--since WHEN] [--until WHEN] [--limit N | --all]',
  summary: 'List runs, newest first',
  options: {
    type: { type: 'string', description: 'only runs of this job type', valueName: 'T' },
    status: { type: 'string', description: `only runs in this status (${STATUSES.join(', ')})`, valueName: 'S' },
    since: { type: 'string', description: 'created at or after: ISO time with offset, or an age (30m, 6h, 7d)', valueName: 'WHEN' },
    until: { type: 'string', description: 'created at or before: ISO time with offset, or an age', valueName: 'WHEN' },
    limit: { type: 'string', description: 'at most N runs (default 20; 1-100 per request, more pages as needed)', valueName: 'N' },
    all: { type: 'boolean', description: 'every matching run (pages through them all)' },
  },
  positionals: [0, 0],
  examples: ['nightshift jobs list --type snapshot --status failed --since 7d', 'nightshift jobs list --all --json'],
  async run(context) {
    const status = stringOption(context, 'status');
    if (status !== undefined && !STATUSES.includes(status as JobStatus)) context.usage(`--status must be one of ${STATUSES.join(', ')}`);
    const all = booleanOption(context, 'all');
    const limit = integerOption(context, 'limit', 1, 100_000);
    if (all && limit !== undefined) context.usage('--all and --limit do not go together');
    const now = context.io.now();
    const since = stringOption(context, 'since');
    const until = stringOption(context, 'until');
    const type = stringOption(context, 'type');
    const query = {
      ...(type ? { type } : {}),
      ...(status ? { status: status as JobStatus } : {}),
      ...(since ? { since: parseSince(since, now, context, 'since') } : {}),
      ...(until ? { until: parseSince(until, now, context, 'until') } : {}),
    };
    const max = all ? Number.POSITIVE_INFINITY : (limit ?? 20);
    const collect = async (): Promise<JobRecord[]> => {
      const jobs: JobRecord[] = [];
      for await (const job of context.client.allJobs({ ...query, limit: Math.min(100, max) }, max)) jobs.push(job);
      return jobs;
    };
    if (context.json) {
      json(context.io, { items: await collect() });
      return EXIT.ok;
    }
    const [jobs, timezone] = await Promise.all([collect(), context.timezone()]);
    line(context.io, jobs.length === 0 ? 'no runs match' : formatTable(jobs, jobColumns(timezone)));
    return EXIT.ok;
  },
};

/** The record as `key  value` lines: what an operator needs first, then summary, error, artifacts; times in `timezone`. */
export function describeJob(job: JobDetail | JobRecord, timezone: string): string {
  const time = (iso: string | undefined) => formatTimeNamed(iso, timezone);
  const fields = formatFields([
    ['id', job.id],
    ['type', job.type],
    ['status', job.status + (job.skippedFor ? ` (covered by ${job.skippedFor})` : '') + (job.status === 'queued' && job.waitingFor ? ` (waiting behind ${job.waitingFor}, which holds the lease)` : '')],
    ['waited', job.waitingFor && job.status !== 'queued' ? `behind ${job.waitingFor}, ${job.waits ?? 1} time(s) from ${time(job.waitingSince)}` : undefined],
    ['trigger', job.trigger],
    ['by', job.triggeredBy],
    ['period', job.period],
    ['scheduled for', time(job.scheduledFor)],
    ['params', formatPairs(job.params)],
    ['force', job.force ? 'yes' : undefined],
    ['created', time(job.createdAt)],
    ['started', time(job.startedAt)],
    ['finished', time(job.finishedAt)],
    ['duration', formatDuration(job.durationMs)],
    ['outcome', describeOutcome(job)],
    ['replaces', job.replaces],
    ['exit code', job.exitCode === undefined ? undefined : String(job.exitCode)],
    ['error', job.error ? `${job.error.code}: ${job.error.message}` : undefined],
  ]);
  const parts = [fields];
  if (job.summary && Object.keys(job.summary).length > 0) parts.push(`summary\n${indent(JSON.stringify(job.summary, null, 2))}`);
  if (job.artifacts.length > 0) {
    parts.push(
      `artifacts\n${indent(
        job.artifacts.map((artifact) => `${artifact.name}  ${artifact.size} B  ${artifact.key}${'url' in artifact && typeof artifact.url === 'string' ? `\n  ${artifact.url}` : ''}`).join('\n'),
      )}`,
    );
  }
  if (job.logs) parts.push(`logs (last 4 KiB)\n${indent(job.logs.trimEnd())}`);
  return parts.join('\n');
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((row) => `  ${row}`)
    .join('\n');
}

const show: Command = {
  path: ['jobs', 'show'],
  synopsis: 'ID',
  summary: 'One run: status, timings, summary, error, artifacts with download links',
  positionals: [1, 1],
  examples: ['nightshift jobs show 01KAXYZ…'],
  async run(context) {
    const job = await context.client.getJob(context.positionals[0]!);
    if (context.json) json(context.io, job);
    else line(context.io, describeJob(job, await context.timezone()));
    return EXIT.ok;
  },
};

const release: Command = {
  path: ['release'],
  synopsis: 'RUN',
  summary: "Publish a held run's output (held for a critical sampling proof) to its normal key; admin, recorded with your token's name",
  positionals: [1, 1],
  examples: ['nightshift release 01KAXYZ…'],
  async run(context) {
    const job = await context.client.release(context.positionals[0]!);
    if (context.json) json(context.io, job);
    else line(context.io, `released run ${job.id} (${job.type}) by ${job.releasedBy ?? '?'}: ${job.artifacts.at(-1)?.key ?? 'no artifact'}`);
    return EXIT.ok;
  },
};

const logs: Command = {
  path: ['jobs', 'logs'],
  synopsis: 'ID',
  summary: "A run's whole stdout (to stdout) and stderr (to stderr); script runs write them",
  positionals: [1, 1],
  async run(context) {
    const logs = await context.client.getJobLogs(context.positionals[0]!);
    if (context.json) {
      json(context.io, logs);
      return EXIT.ok;
    }
    if (!logs.available) {
      context.io.stderr(`${logs.message}\n`);
      return EXIT.ok;
    }
    for (const [name, stream, write] of [
      ['stdout', logs.stdout, context.io.stdout],
      ['stderr', logs.stderr, context.io.stderr],
    ] as const) {
      if (!stream) continue;
      if (stream.text !== undefined) write(stream.text.endsWith('\n') || stream.text === '' ? stream.text : `${stream.text}\n`);
      else context.io.stderr(`${name} is ${stream.size} bytes, too big to show inline: ${stream.url}\n`);
      if (stream.truncated) context.io.stderr(`(${name} was cut at the output cap: ${stream.bytesWritten} bytes written)\n`);
    }
    return EXIT.ok;
  },
};

/**
 * Polls a run until it ends, printing each status change; returns the final record. A `skipped`
 * run (its period was covered) is followed to the run that holds the period.
 */
export async function watchJob(context: CommandContext, id: string, intervalMs: number): Promise<JobRecord> {
  const timeoutSeconds = integerOption(context, 'timeout', 1, 86_400);
  const now = () => context.io.now().getTime();
  const timezone = context.json ? 'UTC' : await context.timezone();
  const { job, finished } = await followRun(context.client, id, {
    intervalMs,
    ...(timeoutSeconds === undefined ? {} : { deadline: now() + timeoutSeconds * 1000 }),
    now,
    sleep: (ms) => context.io.sleep(ms),
    onEvent(event) {
      if (context.json) return;
      if (event.kind === 'status') line(context.io, `${formatTimeNamed(context.io.now(), timezone)}  ${event.job.id}  ${event.job.type}${event.job.period ? ` ${event.job.period}` : ''}  ${event.job.status}`);
      else line(context.io, `  period already covered by ${event.to}; following it`);
    },
  });
  if (!finished) throw new WatchTimeoutError(`run ${job.id} is still ${job.status} after ${timeoutSeconds} s (--timeout); it goes on without us watching`);
  return job;
}

/** Waiting ran out; the run itself goes on. Exit code 1, like any failure to get an answer. */
export class WatchTimeoutError extends Error {
  override readonly name = 'WatchTimeoutError';
}

export const intervalOption = { type: 'string', description: 'seconds between polls (default 1)', valueName: 'S' } as const;
export const timeoutOption = { type: 'string', description: 'stop waiting after S seconds (exit 1; the run goes on)', valueName: 'S' } as const;

/** Checks --interval and --timeout up front, so a typo is a usage error before anything is started. */
export function checkWaitOptions(context: CommandContext): void {
  intervalMs(context);
  integerOption(context, 'timeout', 1, 86_400);
}

export function intervalMs(context: CommandContext): number {
  const seconds = integerOption(context, 'interval', 1, 3600);
  return (seconds ?? 1) * 1000;
}

/** The end of a watched run: one line (or the record as JSON) and the exit code its status implies. */
export function reportFinal(context: CommandContext, job: JobRecord): number {
  if (context.json) json(context.io, job);
  else line(context.io, finalLine(job));
  return exitCodeForStatus(job.status);
}

/** `snapshot run 01K… ended failed in 1.2 s — code: message`. */
export function finalLine(job: JobRecord): string {
  const outcome = [job.status, job.durationMs !== undefined ? `in ${formatDuration(job.durationMs)}` : '', job.error ? `— ${job.error.code}: ${job.error.message}` : '']
    .filter(Boolean)
    .join(' ');
  return `${job.type} run ${job.id} ended ${outcome}`;
}

const watch: Command = {
  path: ['jobs', 'watch'],
  synopsis: 'ID [--interval S] [--timeout S]',
  summary: 'Follow a run until it ends; exit 0 succeeded/warning/skipped, 1 failed/timed_out',
  options: { interval: intervalOption, timeout: timeoutOption },
  positionals: [1, 1],
  async run(context) {
    checkWaitOptions(context);
    const job = await watchJob(context, context.positionals[0]!, intervalMs(context));
    return reportFinal(context, job);
  },
};

export const jobsCommands: readonly Command[] = [list, show, logs, watch, release];
