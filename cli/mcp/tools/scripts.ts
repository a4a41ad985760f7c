import * as z from 'zod';
import type { ScriptDescription, ScriptList } from '../../../functions/client/types';
import { finalLine } from '../../commands/jobs';
import { formatScripts } from '../../commands/scripts';
import { stillGoing, waitForRun, waitInputs } from '../follow';
import { scriptListOutput, scriptRunOutput } from '../output-schemas';
import type { ScriptCatalog } from '../script-catalog';
import { MAX_SCRIPT_TOOLS, runScriptInputSchema, scriptArgsCheck, scriptToolInputSchema, scriptToolName, type ArgsCheck } from '../script-schemas';
import { defineTool, parseInput, toJsonSchema, ToolInputError, type NightshiftTool, type ToolContext, type ToolOutput } from '../tool';
import { artifactsLine } from './run-job';
import { describeLogs, logTails, type LogTails } from './jobs';

/** How much of each stream a finished script run's answer shows (get_job_logs shows more). */
const LOG_TAIL_CHARS = 3_000;

/** The run controls, beside a script's own arguments. */
const controls = {
  timeoutMs: z.number().int().min(100).max(840_000).optional().describe("A shorter time limit than the script's own, in milliseconds"),
  ...waitInputs,
};
const CONTROL_NAMES = Object.keys(controls);
const controlsInput = z.strictObject(controls);

const runScriptInput = z.strictObject({
  script: z.string().min(1).describe('Which whitelisted script to run (list_scripts lists them)'),
  args: z.record(z.string(), z.unknown()).default({}).describe("The script's arguments, as its schema in list_scripts says"),
  ...controls,
});

type ScriptRunRequest = { script: string; args: Record<string, unknown>; timeoutMs?: number | undefined; wait: boolean; waitSeconds: number };

export const listScripts = defineTool({
  name: 'list_scripts',
  title: 'List scripts',
  description: "The whitelisted analytics scripts: what each does, its interpreter, time limit, and its arguments as JSON Schema (the schema run_script checks them against). Also the limits every run shares.",
  input: z.strictObject({}),
  output: scriptListOutput,
  annotations: { readOnlyHint: true, openWorldHint: false },
  async run(_args, context) {
    const list = await context.client.listScripts();
    return { text: `${formatScripts(list)}\n(* required, =default; run one with run_script)`, structured: { ...list } };
  },
});

/**
 * list_scripts, run_script, and one run_script_<name> per script (see script-schemas.ts for why
 * both). `scripts` is the whitelist read at startup, or undefined when it could not be read.
 */
export function scriptTools(catalog: ScriptCatalog, scripts: ScriptList | undefined, log: (text: string) => void): NightshiftTool[] {
  const checks = new Map<string, ArgsCheck>();
  const checkFor = (script: ScriptDescription, root: string | undefined): ArgsCheck => {
    const key = `${script.name}\u0000${root ?? ''}`;
    let check = checks.get(key);
    if (!check) checks.set(key, (check = scriptArgsCheck(script, root, log)));
    return check;
  };
  const start = (context: ToolContext, request: ScriptRunRequest, root: string | undefined) => startScript(context, catalog, request, (script) => checkFor(script, root));

  const envelope = toJsonSchema(runScriptInput, 'input');
  const runScript = defineTool({
    name: 'run_script',
    title: 'Run a script',
    description: [
      'Run one of the whitelisted analytics scripts as a tracked run (type script-run); needs an admin token.',
      'The arguments are checked against the script\'s schema before anything starts: a problem comes back naming the argument.',
      'Scripts read artifacts by key, e.g. an events object events/dt=…/hour=…/….ndjson.gz or an earlier run\'s output scripts/<run id>/output/groups.csv.',
      'With wait: true the answer is the outcome: status, exit code, artifacts and the end of stdout and stderr.',
    ].join(' '),
    input: runScriptInput,
    listedInput: runScriptInputSchema(envelope, scripts?.scripts),
    output: scriptRunOutput,
    annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false },
    run: (args, context) => start(context, args, 'args'),
  });

  const perScript = scripts && scripts.scripts.length <= MAX_SCRIPT_TOOLS ? scripts.scripts : [];
  const outputSchema = toJsonSchema(scriptRunOutput, 'output');
  const single = perScript.flatMap((script): NightshiftTool[] => {
    const name = scriptToolName(script, CONTROL_NAMES);
    if (!name) return [];
    return [
      {
        name,
        title: `Run ${script.name}`,
        description: `Run the whitelisted script ${script.name} (${script.interpreter}, at most ${Math.round(script.timeoutMs / 1000)} s): ${script.description} Its arguments are this tool's inputs, beside timeoutMs, wait and waitSeconds; the same as run_script with script "${script.name}". Needs an admin token.`,
        inputSchema: scriptToolInputSchema(script, envelope, CONTROL_NAMES),
        outputSchema,
        annotations: { title: `Run ${script.name}`, readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false },
        async call(raw, context) {
          if (raw !== undefined && (typeof raw !== 'object' || raw === null || Array.isArray(raw))) throw new ToolInputError('invalid arguments: expected an object');
          const entries = Object.entries(raw ?? {});
          const parsed = parseInput(controlsInput, Object.fromEntries(entries.filter(([key]) => CONTROL_NAMES.includes(key))), CONTROL_NAMES);
          return start(context, { script: script.name, args: Object.fromEntries(entries.filter(([key]) => !CONTROL_NAMES.includes(key))), ...parsed }, undefined);
        },
      },
    ];
  });
  return [listScripts, runScript, ...single];
}

/** Checks the script and its arguments, starts the run, and with `wait` follows it to its outcome and output. */
async function startScript(context: ToolContext, catalog: ScriptCatalog, request: ScriptRunRequest, checkFor: (script: ScriptDescription) => ArgsCheck): Promise<ToolOutput> {
  const { scripts } = await catalog.forCall();
  const script = scripts.find((candidate) => candidate.name === request.script);
  if (!script) throw new ToolInputError(`invalid arguments: script: no script ${JSON.stringify(request.script)}; known: ${scripts.map((candidate) => candidate.name).join(', ') || 'none'}`);
  const checked = checkFor(script)(request.args);
  if (!checked.ok) throw new ToolInputError(`invalid arguments for script ${script.name}: ${checked.problems.join('; ')}`);

  const { job } = await context.client.submitJob({
    type: 'script-run',
    params: { script: script.name, args: request.args, ...(request.timeoutMs !== undefined ? { timeoutMs: request.timeoutMs } : {}) },
  });
  const base = { script: script.name, submittedId: job.id };
  if (!request.wait) {
    return {
      text: `started ${script.name}: run ${job.id} (${job.status}); follow it with get_job, or call with wait: true`,
      structured: { ...base, job: { ...job }, waited: false, finished: false },
    };
  }
  const followed = await waitForRun(context, job.id, request.waitSeconds);
  if (!followed.finished) return { text: stillGoing(followed, request.waitSeconds), structured: { ...base, job: { ...followed.job }, waited: true, finished: false } };
  let logs: LogTails | undefined;
  let logsText: string;
  try {
    logs = logTails(await context.client.getJobLogs(followed.job.id), LOG_TAIL_CHARS);
    logsText = describeLogs(logs);
  } catch (error) {
    logsText = `(its logs could not be read: ${error instanceof Error ? error.message : String(error)}; try get_job_logs)`;
  }
  return {
    text: `${finalLine(followed.job)}${followed.job.exitCode !== undefined ? ` (exit code ${followed.job.exitCode})` : ''}${artifactsLine(followed.job)}\n\n${logsText}`,
    structured: { ...base, job: { ...followed.job }, waited: true, finished: true, ...(logs ? { logs } : {}) },
  };
}
