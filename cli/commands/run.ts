import type { NightshiftClient } from '../../functions/client/api-client';
import type { JobRecord, SubmitJobRequest, SubmitJobResult } from '../../functions/client/types';
import { booleanOption, EXIT, listOption, requiredOption, stringOption, type Command, type CommandContext } from '../command';
import { formatTable, json, line } from '../output';
import { checkWaitOptions, exitCodeForStatus, intervalMs, intervalOption, reportFinal, timeoutOption, watchJob } from './jobs';

/** Names `POST /scheduler/trigger/{name}` knows besides job types: the previous period's snapshot. */
export const SNAPSHOT_KINDS: readonly string[] = ['daily', 'weekly', 'monthly'];

/** Why a request cannot go to `submitRun`, or undefined: a snapshot kind takes no period or params. */
export function snapshotKindProblem(request: SubmitJobRequest): string | undefined {
  if (!SNAPSHOT_KINDS.includes(request.type)) return undefined;
  if (request.period !== undefined || Object.keys(request.params ?? {}).length > 0) {
    return `${request.type} runs the previous period's snapshot; for a chosen one, run type snapshot with a period`;
  }
  return undefined;
}

/**
 * Starts a run: `POST /jobs`, or for `daily`/`weekly`/`monthly` `POST /scheduler/trigger/{kind}`
 * (the previous period's snapshot). Check `snapshotKindProblem` first.
 */
export async function submitRun(client: NightshiftClient, request: SubmitJobRequest, options: { idempotencyKey?: string } = {}): Promise<SubmitJobResult> {
  if (SNAPSHOT_KINDS.includes(request.type)) return client.triggerSchedule(request.type, { force: request.force === true });
  return client.submitJob(request, options.idempotencyKey ? { idempotencyKey: options.idempotencyKey } : {});
}

/**
 * `k=v` pairs into params. A value that reads as JSON (`7`, `true`, `["a"]`, `{"x":1}`, `"07"`)
 * is that value; anything else is a string, so `from=2026-11-01` needs no quoting.
 */
export function parseParams(pairs: readonly string[], context: CommandContext): Record<string, unknown> {
  const params: Record<string, unknown> = {};
  for (const pair of pairs) {
    const equals = pair.indexOf('=');
    if (equals <= 0) context.usage(`--param takes key=value, got ${JSON.stringify(pair)}`);
    const key = pair.slice(0, equals);
    const text = pair.slice(equals + 1);
    params[key] = parseValue(text);
  }
  return params;
}

export function parseValue(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

/** Prints what a submit did; with `--wait`, follows the run (or the one holding its period) to the end. */
export async function reportSubmitted(context: CommandContext, result: SubmitJobResult, wait: boolean): Promise<number> {
  const { job, existingJobId } = result;
  if (wait) {
    if (!context.json) line(context.io, submittedLine(job, existingJobId));
    const final = await watchJob(context, existingJobId ?? job.id, intervalMs(context));
    return reportFinal(context, final);
  }
  if (context.json) json(context.io, result);
  else line(context.io, submittedLine(job, existingJobId));
  return EXIT.ok;
}

function submittedLine(job: JobRecord, existingJobId: string | undefined): string {
  const what = `${job.type}${job.period ? ` ${job.period}` : ''}`;
  if (existingJobId) return `${what} is already covered by run ${existingJobId} (use --force to run it again); recorded ${job.id} as skipped`;
  return `started ${what}: run ${job.id} (${job.status})`;
}

const run: Command = {
  path: ['run'],
  synopsis: '<schedule|type> [--period P] [--param k=v …] [--force] [--wait]',
  summary: 'Start what a schedule would start now, or a run of a job type',
  details: [
    'A schedule\'s name (see nightshift schedules) starts what the schedule would: its job, the previous',
    'period its rule names, its params (POST /scheduler/trigger/{name}). So do daily, weekly and monthly',
    '(the previous period\'s snapshot) and a job type given alone. With --period, --param or',
    '--idempotency-key the name is a job type and the run is yours to describe (POST /jobs).',
  ].join('\n'),
  options: {
    period: { type: 'string', description: 'the period a period job covers: 2026-11-22, 2026-W47, 2026-11', valueName: 'P' },
    param: { type: 'string', multiple: true, description: 'a parameter, repeatable; JSON values are parsed (days=7, dry=true)', valueName: 'k=v' },
    force: { type: 'boolean', description: 'run a period again even if it already has a run' },
    'idempotency-key': { type: 'string', description: 'sent as Idempotency-Key: a retried submit with the same key and body gets the same run', valueName: 'KEY' },
    wait: { type: 'boolean', description: 'follow the run until it ends; exit 1 if it failed or timed out' },
    interval: intervalOption,
    timeout: timeoutOption,
  },
  positionals: [1, 1],
  examples: [
    'nightshift run snapshot-daily --wait   # what the schedule would start: yesterday\'s snapshot',
    'nightshift run sweeper --wait',
    'nightshift run snapshot --period 2026-W47 --force',
    'nightshift run rollup --param from=2026-11-01 --param to=2026-11-03',
  ],
  async run(context) {
    checkWaitOptions(context);
    const name = context.positionals[0]!;
    const period = stringOption(context, 'period');
    const params = parseParams(listOption(context, 'param'), context);
    const force = booleanOption(context, 'force');
    const idempotencyKey = stringOption(context, 'idempotency-key');
    const described = period !== undefined || Object.keys(params).length > 0 || idempotencyKey !== undefined;
    if (!described) return reportSubmitted(context, await context.client.triggerSchedule(name, { force }), booleanOption(context, 'wait'));
    const request: SubmitJobRequest = { type: name, ...(period !== undefined ? { period } : {}), params, force };
    if (snapshotKindProblem(request)) context.usage(`${name} runs the previous period's snapshot; for a chosen one: nightshift run snapshot --period P`);
    const result = await context.client.submitJob(request, idempotencyKey ? { idempotencyKey } : {});
    return reportSubmitted(context, result, booleanOption(context, 'wait'));
  },
};

const backfill: Command = {
  path: ['backfill'],
  synopsis: '<type> --from P --to P [--only-missing | --all-periods] [--wait]',
  summary: 'One run per period of a range (at most 400), skipping periods already done',
  options: {
    from: { type: 'string', description: 'first period key (2026-11-01, 2026-W40, 2026-09)', valueName: 'P' },
    to: { type: 'string', description: 'last period key, same kind as --from', valueName: 'P' },
    'only-missing': { type: 'boolean', description: 'skip periods whose run succeeded (the default)' },
    'all-periods': { type: 'boolean', description: 'run every period again, done or not' },
    wait: { type: 'boolean', description: 'follow the queued runs until they end; exit 1 if any failed' },
    interval: intervalOption,
    timeout: timeoutOption,
  },
  positionals: [1, 1],
  examples: ['nightshift backfill snapshot --from 2026-11-01 --to 2026-11-22', 'nightshift backfill snapshot --from 2026-W40 --to 2026-W47 --all-periods --wait'],
  async run(context) {
    checkWaitOptions(context);
    const from = requiredOption(context, 'from');
    const to = requiredOption(context, 'to');
    if (booleanOption(context, 'only-missing') && booleanOption(context, 'all-periods')) context.usage('--only-missing and --all-periods do not go together');
    const result = await context.client.backfill({ type: context.positionals[0]!, from, to, onlyMissing: !booleanOption(context, 'all-periods') });
    const rows = [
      ...result.queued.map((entry) => ({ period: entry.period, outcome: 'queued', jobId: entry.jobId })),
      ...result.skipped.map((entry) => ({ period: entry.period, outcome: `skipped (${entry.reason === 'done' ? 'done' : 'in progress'})`, jobId: entry.jobId })),
    ].sort((a, b) => a.period.localeCompare(b.period));
    if (!booleanOption(context, 'wait')) {
      if (context.json) json(context.io, result);
      else {
        line(context.io, formatTable(rows, [
          { header: 'PERIOD', value: (row) => row.period },
          { header: 'OUTCOME', value: (row) => row.outcome },
          { header: 'RUN', value: (row) => row.jobId },
        ]));
        line(context.io, `${result.periods} ${result.periodType} period(s) ${result.from}..${result.to}: ${result.queued.length} queued, ${result.skipped.length} skipped`);
      }
      return EXIT.ok;
    }
    if (!context.json) line(context.io, `${result.periods} period(s): ${result.queued.length} queued, ${result.skipped.length} skipped; waiting for the queued runs`);
    const quiet = { ...context, json: true };
    const finals: JobRecord[] = [];
    for (const entry of result.queued) finals.push(await watchJob(quiet, entry.jobId, intervalMs(context)));
    if (context.json) json(context.io, { ...result, finished: finals });
    else {
      line(context.io, formatTable(finals, [
        { header: 'PERIOD', value: (job) => job.period ?? '' },
        { header: 'RUN', value: (job) => job.id },
        { header: 'STATUS', value: (job) => job.status },
        { header: 'ERROR', value: (job) => (job.error ? `${job.error.code}: ${job.error.message}` : '') },
      ]));
    }
    return finals.some((job) => exitCodeForStatus(job.status) !== EXIT.ok) ? EXIT.failed : EXIT.ok;
  },
};

export const runCommands: readonly Command[] = [run, backfill];
