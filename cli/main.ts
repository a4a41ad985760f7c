import { parseArgs, type ParseArgsConfig } from 'node:util';
import { ApiConnectionError, ApiError, NightshiftClient } from '../functions/client/api-client';
import { isTimeZone } from '../functions/client/display-time';
import { EXIT, UsageError, usageLine, type Command, type CommandContext, type OptionSpec } from './command';
import { apiErrorText, json, type CliIo } from './output';

export const DEFAULT_URL = 'http://127.0.0.1:3000';

type CommandModule = () => Promise<readonly Command[]>;

/**
 * Where the commands are, by their first word, in the order help lists them. A command line loads
 * only its own module (and the compiled CLI keeps each in its own chunk): `nightshift jobs list`
 * does not parse the events, scripts or MCP code. Help and unknown words load them all.
 */
const commandModules: ReadonlyArray<readonly [words: readonly string[], load: CommandModule]> = [
  [['health'], async () => (await import('./commands/health')).healthCommands],
  [['jobs', 'release'], async () => (await import('./commands/jobs')).jobsCommands],
  [['run', 'backfill'], async () => (await import('./commands/run')).runCommands],
  [['schedules'], async () => (await import('./commands/schedules')).scheduleCommands],
  [['events'], async () => (await import('./commands/events')).eventsCommands],
  [['stats', 'snapshots'], async () => (await import('./commands/data')).dataCommands],
  [['proofs'], async () => (await import('./commands/proofs')).proofCommands],
  [['annotate', 'annotations'], async () => (await import('./commands/annotations')).annotationCommands],
  [['scripts'], async () => (await import('./commands/scripts')).scriptCommands],
  [['mcp'], async () => (await import('./commands/mcp')).mcpCommands],
  [['init'], async () => (await import('./commands/init')).initCommands],
];

/** `CommandContext.timezone`: the environment's zone, else the API's, asked at most once. */
function displayZone(client: NightshiftClient, env: CliIo['env']): (known?: string) => Promise<string> {
  let asked: Promise<string> | undefined;
  return async (known) => {
    const configured = env['NIGHTSHIFT_TIMEZONE'];
    if (configured) {
      if (!isTimeZone(configured)) throw new Error(`NIGHTSHIFT_TIMEZONE is not a time zone: ${JSON.stringify(configured)} (e.g. America/Los_Angeles)`);
      return configured;
    }
    if (known) return known;
    asked ??= client.metrics().then(
      (catalog) => catalog.timezone,
      () => 'UTC',
    );
    return asked;
  };
}

/** The commands a command line can mean: those of its first word's module, or every command. */
async function loadCommands(firstWord: string | undefined): Promise<readonly Command[]> {
  const owner = commandModules.find(([words]) => firstWord !== undefined && words.includes(firstWord));
  if (owner) return owner[1]();
  return (await Promise.all(commandModules.map(([, load]) => load()))).flat();
}

const globalOptions: Readonly<Record<string, OptionSpec>> = {
  url: { type: 'string', description: `API base URL (default NIGHTSHIFT_URL, else ${DEFAULT_URL})`, valueName: 'URL' },
  token: { type: 'string', description: 'bearer token (default NIGHTSHIFT_TOKEN)', valueName: 'TOKEN' },
  json: { type: 'boolean', description: 'machine output: one JSON document on stdout' },
  help: { type: 'boolean', short: 'h', description: 'help for the command' },
};

/**
 * Runs one command line and returns its exit code: 0 ok, 1 job failed / proof critical / API
 * error, 2 usage error. Never calls `process.exit`, so tests run it in-process.
 */
export async function main(argv: readonly string[], io: CliIo): Promise<number> {
  const dashDash = argv.indexOf('--');
  const head = dashDash === -1 ? [...argv] : argv.slice(0, dashDash);
  const passthrough = dashDash === -1 ? [] : argv.slice(dashDash + 1);
  const leading = commandWords(head);
  const commands = await loadCommands(leading.words[0] === 'help' ? leading.words[1] : leading.words[0]);
  const { command, words, rest } = findCommand(commands, head, leading);

  if (!command) {
    const wantsHelp = head.includes('--help') || head.includes('-h') || words[0] === 'help';
    const topic = words[0] === 'help' ? words.slice(1) : words;
    if (topic.length === 0) {
      (wantsHelp ? io.stdout : io.stderr)(mainHelp(commands));
      return wantsHelp ? EXIT.ok : EXIT.usage;
    }
    const helpCommand = findCommand(commands, topic, commandWords(topic)).command;
    if (wantsHelp && helpCommand) {
      io.stdout(commandHelp(helpCommand));
      return EXIT.ok;
    }
    if (groupsOf(commands).includes(topic[0]!) && (wantsHelp || topic.length === 1)) {
      (wantsHelp ? io.stdout : io.stderr)(groupHelp(commands, topic[0]!));
      return wantsHelp ? EXIT.ok : EXIT.usage;
    }
    io.stderr(`nightshift: unknown command "${topic.join(' ')}"\nusage: nightshift <command> [options]   (nightshift --help lists the commands)\n`);
    return EXIT.usage;
  }

  let values: Record<string, string | boolean | string[] | undefined>;
  let positionals: string[];
  try {
    const options = { ...globalOptions, ...command.options };
    const parsed = parseArgs({ args: rest, options: toParseArgsOptions(options), strict: true, allowPositionals: true });
    values = parsed.values as typeof values;
    positionals = parsed.positionals;
    if (values['help'] === true) {
      io.stdout(commandHelp(command));
      return EXIT.ok;
    }
    const [min, max] = command.positionals;
    if (positionals.length < min) throw new UsageError(`missing ${positionalNames(command).slice(positionals.length, min).join(' ') || 'argument'}`, usageLine(command));
    if (positionals.length > max) throw new UsageError(`unexpected argument ${JSON.stringify(positionals[max])}`, usageLine(command));
    if (passthrough.length > 0 && !command.passthrough) throw new UsageError('arguments after -- are not taken by this command', usageLine(command));
  } catch (error) {
    return usageFailure(io, error instanceof UsageError ? error : new UsageError(parseArgsMessage(error), usageLine(command)));
  }

  const asJson = values['json'] === true;
  try {
    const client = new NightshiftClient({
      baseUrl: stringValue(values['url']) ?? io.env['NIGHTSHIFT_URL'] ?? DEFAULT_URL,
      token: stringValue(values['token']) ?? io.env['NIGHTSHIFT_TOKEN'],
    });
    const context: CommandContext = {
      client,
      io,
      json: asJson,
      options: values,
      positionals,
      passthrough,
      usage(message: string): never {
        throw new UsageError(message, usageLine(command));
      },
      timezone: displayZone(client, io.env),
    };
    return await command.run(context);
  } catch (error) {
    if (error instanceof UsageError) return usageFailure(io, error);
    return apiFailure(io, error, asJson, stringValue(values['token']) ?? io.env['NIGHTSHIFT_TOKEN']);
  }
}

/** Command groups: `nightshift jobs` alone lists its subcommands. */
function groupsOf(commands: readonly Command[]): string[] {
  return [...new Set(commands.filter((command) => command.path.length > 1).map((command) => command.path[0]!))];
}

/** The first two words (not options) of a command line; global options may come before them. */
function commandWords(args: readonly string[]): { words: string[]; wordIndexes: number[] } {
  const wordIndexes: number[] = [];
  for (let index = 0; index < args.length && wordIndexes.length < 2; index += 1) {
    const token = args[index]!;
    if (token === '--url' || token === '--token') {
      index += 1;
      continue;
    }
    if (token.startsWith('-')) {
      if (isGlobalFlag(token)) continue;
      break;
    }
    wordIndexes.push(index);
  }
  return { words: wordIndexes.map((index) => args[index]!), wordIndexes };
}

/** The longest command path among the leading words. */
function findCommand(
  commands: readonly Command[],
  args: readonly string[],
  { words, wordIndexes }: { words: string[]; wordIndexes: number[] },
): { command: Command | undefined; words: string[]; rest: string[] } {
  for (let length = words.length; length > 0; length -= 1) {
    const path = words.slice(0, length);
    const command = commands.find((candidate) => candidate.path.length === length && candidate.path.every((word, i) => word === path[i]));
    if (command) {
      const used = new Set(wordIndexes.slice(0, length));
      return { command, words, rest: args.filter((_, index) => !used.has(index)) };
    }
  }
  return { command: undefined, words, rest: [...args] };
}

/** The positional names a synopsis starts with: `ID`, `<type>`, `METRIC`, `FILE.ndjson`. */
function positionalNames(command: Command): string[] {
  const names: string[] = [];
  for (const token of command.synopsis.split(' ')) {
    if (token === '' || token.startsWith('-') || token.startsWith('[')) break;
    names.push(token);
  }
  return names;
}

function isGlobalFlag(token: string): boolean {
  return ['--json', '--help', '-h'].includes(token) || token.startsWith('--url=') || token.startsWith('--token=');
}

function toParseArgsOptions(options: Readonly<Record<string, OptionSpec>>): NonNullable<ParseArgsConfig['options']> {
  return Object.fromEntries(
    Object.entries(options).map(([name, spec]) => [
      name,
      { type: spec.type, ...(spec.short ? { short: spec.short } : {}), ...(spec.type === 'string' && spec.multiple ? { multiple: true } : {}) },
    ]),
  );
}

function stringValue(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/** parseArgs' messages, minus Node's advice about `--` that does not fit here. */
function parseArgsMessage(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.replace(/\. To specify a positional argument starting with a '-'.*$/s, '').replace(/^Unknown option '(.*?)'.*$/s, 'unknown option $1');
}

function usageFailure(io: CliIo, error: UsageError): number {
  // The command's own words: `nightshift jobs show ID …` → `nightshift jobs show`.
  const words: string[] = [];
  for (const word of error.usage.split(' ')) {
    if (!/^[a-z][a-z-]*$/.test(word)) break;
    words.push(word);
  }
  io.stderr(`nightshift: ${error.message}\nusage: ${error.usage}\n(${words.join(' ')} --help for more)\n`);
  return EXIT.usage;
}

function apiFailure(io: CliIo, error: unknown, asJson: boolean, token: string | undefined): number {
  if (error instanceof ApiError) {
    const hint = error.status === 401 && !token ? ' — set NIGHTSHIFT_TOKEN or pass --token (npm start prints an admin token)' : '';
    if (asJson) json(io, { error: { status: error.status, code: error.code, message: error.message } });
    io.stderr(`error: ${apiErrorText(error)}${hint}\n`);
  } else if (error instanceof ApiConnectionError) {
    if (asJson) json(io, { error: { code: 'connection_failed', message: error.message } });
    io.stderr(`error: ${error.message}\n`);
  } else {
    const message = error instanceof Error ? error.message : String(error);
    if (asJson) json(io, { error: { code: 'cli_error', message } });
    io.stderr(`error: ${message}\n`);
  }
  return EXIT.failed;
}

// --- help ---------------------------------------------------------------------------------------

function mainHelp(commands: readonly Command[]): string {
  const width = Math.max(...commands.map((command) => command.path.join(' ').length));
  return [
    'nightshift — drive Nightshift from the command line (health, jobs, schedules, events, stats, snapshots, proofs, scripts; mcp for AI agents)',
    '',
    'usage: nightshift <command> [options]',
    '',
    'commands:',
    ...commands.map((command) => `  ${command.path.join(' ').padEnd(width)}  ${command.summary}`),
    '',
    'global options:',
    ...optionLines(globalOptions),
    '',
    'environment: NIGHTSHIFT_URL, NIGHTSHIFT_TOKEN (a token with the scope the command needs: read, ingest or admin)',
    'exit codes: 0 ok; 1 job failed or timed out, proof critical, events rejected, health degraded, API or connection error; 2 usage error',
    'nightshift <command> --help shows a command\'s options and examples.',
    '',
  ].join('\n');
}

function groupHelp(commands: readonly Command[], group: string): string {
  const members = commands.filter((command) => command.path[0] === group);
  return [`usage: nightshift ${group} <${members.map((command) => command.path[1]).join('|')}> [options]`, '', ...members.map((command) => `  ${usageLine(command)}\n      ${command.summary}`), ''].join('\n');
}

function commandHelp(command: Command): string {
  return [
    `usage: ${usageLine(command)}`,
    '',
    command.summary,
    ...(command.details ? ['', command.details] : []),
    ...(command.options && Object.keys(command.options).length > 0 ? ['', 'options:', ...optionLines(command.options)] : []),
    '',
    'global options:',
    ...optionLines(globalOptions),
    ...(command.examples?.length ? ['', 'examples:', ...command.examples.map((example) => `  ${example}`)] : []),
    '',
  ].join('\n');
}

function optionLines(options: Readonly<Record<string, OptionSpec>>): string[] {
  const labels = Object.entries(options).map(([name, spec]) => {
    const value = spec.type === 'string' ? ` ${spec.valueName ?? 'VALUE'}` : '';
    return [`${spec.short ? `-${spec.short}, ` : ''}--${name}${value}`, spec.description] as const;
  });
  const width = Math.max(...labels.map(([label]) => label.length));
  return labels.map(([label, description]) => `  ${label.padEnd(width)}  ${description}`);
}
