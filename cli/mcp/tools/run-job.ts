import * as z from 'zod';
import { TERMINAL_STATUSES, type JobRecord, type SubmitJobRequest } from '../../../functions/client/types';
import { finalLine } from '../../commands/jobs';
import { snapshotKindProblem, submitRun } from '../../commands/run';
import { stillGoing, waitForRun, waitInputs } from '../follow';
import { startedRunOutput } from '../output-schemas';
import { defineTool, ToolInputError } from '../tool';

export const runJob = defineTool({
  name: 'run_job',
  title: 'Start a run',
  description: [
    'Start a run of a job type (POST /jobs); needs an admin token. Examples: {"type":"snapshot","period":"2026-W47"} (a day 2026-11-22, an ISO week 2026-W47 or a month 2026-11),',
    '{"type":"rollup","params":{"from":"2026-11-01","to":"2026-11-03"}}, {"type":"sampling-proof","period":"2026-11-22"}, {"type":"sweeper"};',
    'type daily, weekly or monthly runs the previous period\'s snapshot, as its schedule would.',
    'A period that already has a run is not run again: the answer names the run that holds it (force: true runs it again).',
    'For whitelisted scripts use run_script, which checks their arguments. With wait: true the answer is the run\'s outcome.',
  ].join(' '),
  input: z.strictObject({
    type: z.string().min(1).describe('Job type: snapshot, rollup, sampling-proof, export, sweeper…; or daily, weekly, monthly (the previous period\'s snapshot)'),
    period: z.string().min(1).optional().describe('The period a period job covers: a local day 2026-11-22, an ISO week 2026-W47 or a month 2026-11; omitted, the job picks its default'),
    params: z.record(z.string(), z.unknown()).optional().describe('Job parameters, as the job type defines them (e.g. rollup {"from","to"}, export {"from","to","metrics","groupBy"})'),
    force: z.boolean().optional().describe('Run the period again even if it already has a finished run'),
    idempotencyKey: z.string().min(1).max(200).optional().describe('Sent as Idempotency-Key: repeating the same call with the same key returns the first run instead of starting another'),
    ...waitInputs,
  }),
  output: startedRunOutput,
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false },
  async run(args, context) {
    const request: SubmitJobRequest = {
      type: args.type,
      ...(args.period !== undefined ? { period: args.period } : {}),
      ...(args.params !== undefined ? { params: args.params } : {}),
      ...(args.force !== undefined ? { force: args.force } : {}),
    };
    const problem = snapshotKindProblem(request);
    if (problem) throw new ToolInputError(`invalid arguments: ${problem}`);
    const submitted = await submitRun(context.client, request, args.idempotencyKey ? { idempotencyKey: args.idempotencyKey } : {});
    const { job, existingJobId } = submitted;
    const first = submittedText(job, existingJobId);
    const base = { submittedId: job.id, ...(existingJobId ? { existingJobId } : {}) };
    if (!args.wait) return { text: first, structured: { job: { ...job }, ...base, waited: false, finished: TERMINAL_STATUSES.includes(job.status) } };
    const followed = await waitForRun(context, existingJobId ?? job.id, args.waitSeconds);
    const last = followed.finished ? finalLine(followed.job) : stillGoing(followed, args.waitSeconds);
    return { text: `${first}\n${last}${artifactsLine(followed.job)}`, structured: { job: { ...followed.job }, ...base, waited: true, finished: followed.finished } };
  },
});

/** What a submit did, in a sentence. */
export function submittedText(job: JobRecord, existingJobId: string | undefined): string {
  const what = `${job.type}${job.period ? ` ${job.period}` : ''}`;
  if (existingJobId) return `${what} is already covered by run ${existingJobId} (force: true runs it again); recorded ${job.id} as skipped`;
  return `started ${what}: run ${job.id} (${job.status})`;
}

/** `\nartifacts: a.csv, b.json` (get_job has their links), or nothing. */
export function artifactsLine(job: JobRecord): string {
  return job.artifacts.length > 0 ? `\nartifacts: ${job.artifacts.map((artifact) => artifact.name).join(', ')} (get_job has download links)` : '';
}
