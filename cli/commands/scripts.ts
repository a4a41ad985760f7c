import type { JsonSchemaObject, ScriptList } from '../../functions/client/types';
import { booleanOption, EXIT, integerOption, type Command, type CommandContext } from '../command';
import { formatTable, json, line } from '../output';
import { checkWaitOptions, exitCodeForStatus, intervalMs, intervalOption, reportFinal, timeoutOption, watchJob } from './jobs';
import { parseValue } from './run';

const list: Command = {
  path: ['scripts', 'list'],
  synopsis: '',
  summary: 'The whitelisted scripts and their arguments',
  positionals: [0, 0],
  async run(context) {
    const result = await context.client.listScripts();
    if (context.json) {
      json(context.io, result);
      return EXIT.ok;
    }
    line(context.io, formatScripts(result));
    return EXIT.ok;
  },
};

/** The whitelist as a table, then the limits every run shares. */
export function formatScripts(result: ScriptList): string {
  const table = formatTable(result.scripts, [
    { header: 'NAME', value: (script) => script.name },
    { header: 'INTERPRETER', value: (script) => script.interpreter },
    { header: 'TIMEOUT', value: (script) => `${Math.round(script.timeoutMs / 1000)} s`, align: 'right' },
    { header: 'ARGS', value: (script) => describeArgs(script.args) },
    { header: 'DESCRIPTION', value: (script) => script.description },
  ]);
  return `${table}\nat most ${result.maxConcurrency} at once; output kept up to ${result.outputCapBytes} bytes per stream`;
}

/** `days:integer=7 metric:string*` (`*` required, `=` default). */
export function describeArgs(schema: JsonSchemaObject): string {
  const required = new Set(schema.required ?? []);
  return Object.entries(schema.properties ?? {})
    .map(([name, property]) => {
      const type = Array.isArray(property.type) ? property.type.join('|') : (property.type ?? 'any');
      const fallback = property.default !== undefined ? `=${JSON.stringify(property.default)}` : '';
      return `${name}:${type}${required.has(name) ? '*' : ''}${fallback}`;
    })
    .join(' ');
}

/**
 * Script arguments after `--` into the `args` object: `--name value`, `--name=value`,
 * `name=value`, or a bare `--flag` (true). Values are typed by the script's schema: integer and
 * number are numbers, boolean `true`/`false`, arrays and objects JSON; strings stay strings.
 */
export function scriptArgs(tokens: readonly string[], schema: JsonSchemaObject, context: CommandContext): Record<string, unknown> {
  const properties = schema.properties ?? {};
  const args: Record<string, unknown> = {};
  for (let index = 0; index < tokens.length; index += 1) {
    const token = tokens[index]!;
    let name: string;
    let text: string | undefined;
    if (token.startsWith('--')) {
      const equals = token.indexOf('=');
      name = equals === -1 ? token.slice(2) : token.slice(2, equals);
      if (equals !== -1) text = token.slice(equals + 1);
      else if (typeOf(properties[name]?.type) !== 'boolean' && index + 1 < tokens.length && !tokens[index + 1]!.startsWith('--')) text = tokens[++index];
    } else {
      const equals = token.indexOf('=');
      if (equals <= 0) context.usage(`script arguments are --name value, --name=value or name=value; got ${JSON.stringify(token)}`);
      name = token.slice(0, equals);
      text = token.slice(equals + 1);
    }
    if (name === '') context.usage(`an argument name is missing in ${JSON.stringify(token)}`);
    if (!(name in properties)) context.usage(`unknown argument ${JSON.stringify(name)}; known: ${Object.keys(properties).join(', ') || 'none'}`);
    args[name] = typed(text, typeOf(properties[name]?.type));
  }
  return args;
}

function typeOf(type: string | string[] | undefined): string | undefined {
  return Array.isArray(type) ? type.find((candidate) => candidate !== 'null') : type;
}

function typed(text: string | undefined, type: string | undefined): unknown {
  if (text === undefined) return true;
  switch (type) {
    case 'integer':
    case 'number':
      return text.trim() !== '' && Number.isFinite(Number(text)) ? Number(text) : text;
    case 'boolean':
      return text === 'true' ? true : text === 'false' ? false : text;
    case 'array':
    case 'object':
      return parseValue(text);
    default:
      return text;
  }
}

const run: Command = {
  path: ['scripts', 'run'],
  synopsis: 'NAME [--timeout-ms MS] [--wait] [-- ARGS…]',
  summary: 'Run a whitelisted script; with --wait, print its output and exit 1 if it failed',
  options: {
    'timeout-ms': { type: 'string', description: "a shorter limit than the script's own", valueName: 'MS' },
    wait: { type: 'boolean', description: 'follow the run, then print its stdout/stderr' },
    interval: intervalOption,
    timeout: timeoutOption,
  },
  positionals: [1, 1],
  passthrough: true,
  examples: ['nightshift scripts run weekly-summary --wait -- --days 7', 'nightshift scripts run export-check -- metric=revenue'],
  async run(context) {
    checkWaitOptions(context);
    const name = context.positionals[0]!;
    const { scripts } = await context.client.listScripts();
    const script = scripts.find((candidate) => candidate.name === name);
    if (!script) return context.usage(`no script ${JSON.stringify(name)}; known: ${scripts.map((candidate) => candidate.name).join(', ') || 'none'}`);
    const args = scriptArgs(context.passthrough, script.args, context);
    const timeoutMs = integerOption(context, 'timeout-ms', 100, 14 * 60_000);
    const result = await context.client.submitJob({ type: 'script-run', params: { script: name, args, ...(timeoutMs !== undefined ? { timeoutMs } : {}) } });
    if (!booleanOption(context, 'wait')) {
      if (context.json) json(context.io, result);
      else line(context.io, `started ${name}: run ${result.job.id} (${result.job.status}); nightshift jobs watch ${result.job.id}`);
      return EXIT.ok;
    }
    const final = await watchJob(context, result.job.id, intervalMs(context));
    if (context.json) return reportFinal(context, final);
    const logs = await context.client.getJobLogs(final.id);
    if (logs.available) {
      if (logs.stdout?.text) context.io.stdout(logs.stdout.text.endsWith('\n') ? logs.stdout.text : `${logs.stdout.text}\n`);
      if (logs.stderr?.text) context.io.stderr(logs.stderr.text.endsWith('\n') ? logs.stderr.text : `${logs.stderr.text}\n`);
    }
    reportFinal(context, final);
    return exitCodeForStatus(final.status);
  },
};

export const scriptCommands: readonly Command[] = [list, run];
