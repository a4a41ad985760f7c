import { readFileSync } from 'node:fs';
import * as z from 'zod/mini';
import '../../core/zod-mini-english';
import { NightshiftError } from '../../core/errors';
import { parseScheduleExpression } from '../../core/time/schedule';
import { timezoneSchema } from '../../core/config/schema';
import { zodMessage, zodProblems } from '../../core/validation';

/**
 * The script whitelist: what may run, with which interpreter, which arguments (typed, bounded)
 * and which limits. Only names in a manifest run, matched exactly; the file is a bare file name
 * inside the scripts directory, so no argument can ever point the runner at another file.
 */

export const SCRIPT_NAME = /^[a-z][a-z0-9-]{0,62}$/;
const FLAG = /^--[a-z][a-z0-9-]{0,40}$/;
const ARG_NAME = /^[a-z][a-zA-Z0-9_]{0,40}$/;
/** A bare file name: no directory part, no leading dot, a known extension. */
const FILE_NAME = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,100}\.(py|mjs|js|cjs)$/;
/** Artifact keys a script may read as input: data Nightshift wrote, never `..`. */
export const INPUT_KEY = /^(events|exports|snapshots|scripts)\/(?!.*\.\.)[A-Za-z0-9/_.=-]{1,900}$/;

const common = {
  description: z.string().check(z.minLength(1), z.maxLength(300)),
  /** `--name value` (a boolean: just `--name`); without it the argument is positional, in declaration order. */
  flag: z.optional(z.string().check(z.regex(FLAG, 'a flag is -- then lower kebab-case (at most 40)'))),
  required: z._default(z.boolean(), false),
};

const stringArg = z.strictObject({
  ...common,
  type: z.literal('string'),
  maxLength: z.number().check(z.int(), z.gte(1), z.lte(4096)),
  minLength: z.optional(z.number().check(z.int(), z.gte(0), z.lte(4096))),
  pattern: z.optional(z.string().check(z.maxLength(500))),
  enum: z.optional(z.array(z.string().check(z.minLength(1), z.maxLength(200))).check(z.minLength(1), z.maxLength(100))),
  default: z.optional(z.string()),
});

const numberArg = z.strictObject({
  ...common,
  type: z.enum(['integer', 'number']),
  min: z.number(),
  max: z.number(),
  default: z.optional(z.number()),
});

const booleanArg = z.strictObject({
  ...common,
  type: z.literal('boolean'),
  default: z.optional(z.boolean()),
});

/** An object in the artifacts bucket: the runner downloads it and the script gets the local path. */
const artifactArg = z.strictObject({
  ...common,
  type: z.literal('artifact'),
  default: z.optional(z.string()),
});

const argumentSchema = z.discriminatedUnion('type', [stringArg, numberArg, booleanArg, artifactArg]);
export type ScriptArgument = z.output<typeof argumentSchema>;

const scriptSchema = z.strictObject({
  file: z.string().check(z.regex(FILE_NAME, 'file must be a bare file name in the scripts directory (.py, .mjs, .js or .cjs)')),
  interpreter: z.enum(['python3', 'node']),
  description: z.string().check(z.minLength(1), z.maxLength(500)),
  /** The script's own limit; a run may ask for less, never more. */
  timeoutMs: z.number().check(z.int(), z.gte(100), z.lte(14 * 60_000)),
  memoryMb: z.number().check(z.int(), z.gte(128), z.lte(10_240)),
  args: z._default(z.record(z.string(), argumentSchema), {}),
  schedule: z.optional(z.strictObject({
    expression: z.string().check(z.superRefine((text, ctx) => {
      try {
        parseScheduleExpression(text);
      } catch (error) {
        ctx.addIssue({ code: 'custom', message: error instanceof Error ? error.message : String(error) });
      }
    })),
    timezone: z.optional(timezoneSchema),
    args: z._default(z.record(z.string(), z.unknown()), {}),
    enabled: z._default(z.boolean(), true),
  })),
}).check(z.superRefine((script, ctx) => {
  const extension = script.file.slice(script.file.lastIndexOf('.'));
  if ((script.interpreter === 'python3') !== (extension === '.py')) {
    ctx.addIssue({ code: 'custom', path: ['interpreter'], message: `${script.interpreter} does not run ${extension} files` });
  }
  const flags = new Set<string>();
  let optionalPositionalSeen = false;
  for (const [name, arg] of Object.entries(script.args)) {
    const path = ['args', name];
    if (!ARG_NAME.test(name)) ctx.addIssue({ code: 'custom', path, message: 'an argument name is camelCase (a letter, then letters, digits or _; at most 41)' });
    if (arg.flag !== undefined) {
      if (flags.has(arg.flag)) ctx.addIssue({ code: 'custom', path: [...path, 'flag'], message: `flag ${arg.flag} is used twice` });
      flags.add(arg.flag);
    } else {
      if (arg.type === 'boolean') ctx.addIssue({ code: 'custom', path, message: 'a boolean argument needs a flag' });
      // A positional after an optional one would shift into its place when that one is left out.
      if (optionalPositionalSeen && arg.required) ctx.addIssue({ code: 'custom', path, message: 'a required positional cannot follow an optional one' });
      if (!arg.required) optionalPositionalSeen = true;
    }
    if (arg.required && arg.default !== undefined) ctx.addIssue({ code: 'custom', path: [...path, 'default'], message: 'a required argument has no default' });
    if (arg.type === 'number' || arg.type === 'integer') {
      if (arg.min > arg.max) ctx.addIssue({ code: 'custom', path: [...path, 'min'], message: 'min must be ≤ max' });
    }
    if (arg.type === 'string' && arg.pattern !== undefined) {
      try {
        new RegExp(arg.pattern, 'u');
      } catch (error) {
        ctx.addIssue({ code: 'custom', path: [...path, 'pattern'], message: `not a regular expression: ${(error as Error).message}` });
      }
    }
  }
  if (ctx.issues?.length) return;
  const argsSchema = argumentsSchemaOf(script.args);
  for (const [name, arg] of Object.entries(script.args)) {
    if (arg.default === undefined) continue;
    const checked = argsSchema.shape[name]!.safeParse(arg.default);
    if (!checked.success) ctx.addIssue({ code: 'custom', path: ['args', name, 'default'], message: `the default breaks its own rules: ${checked.error.issues[0]?.message}` });
  }
  if (script.schedule) {
    const checked = argsSchema.safeParse(script.schedule.args);
    if (!checked.success) ctx.addIssue({ code: 'custom', path: ['schedule', 'args'], message: zodMessage(checked.error, { prefix: 'args' }) });
  }
}));

export type ScriptSpec = z.output<typeof scriptSchema>;

const manifestSchema = z.strictObject({
  scripts: z.record(z.string(), scriptSchema),
}).check(
  // Checked here rather than as the record's key schema, whose failure only says "Invalid key".
  z.superRefine((manifest, ctx) => {
    for (const name of Object.keys(manifest.scripts)) {
      if (!SCRIPT_NAME.test(name)) ctx.addIssue({ code: 'custom', path: ['scripts', name], message: 'a script name is lower kebab-case (a letter, then letters, digits or -; at most 63)' });
    }
  }),
);

export interface ScriptManifest {
  scripts: Readonly<Record<string, ScriptSpec>>;
  /** Where the files named by `file` live. */
  directory: string;
}

export class InvalidScriptManifestError extends NightshiftError {
  constructor(source: string, problems: readonly string[], options?: { cause?: unknown }) {
    super('invalid_script_manifest', `${source} is not a valid script manifest:\n${problems.map((p) => `  - ${p}`).join('\n')}`, options);
  }
}

/** Validates a manifest once; every problem is named by its path (`scripts.foo.args.top.max: …`). */
export function parseManifest(input: unknown, directory: string, source = 'manifest.json'): ScriptManifest {
  const result = manifestSchema.safeParse(input);
  if (!result.success) {
    const problems = zodProblems(result.error, { whole: '(root)' });
    throw new InvalidScriptManifestError(source, problems, { cause: result.error });
  }
  return { scripts: result.data.scripts, directory };
}

export function loadManifestFile(path: string, directory: string): ScriptManifest {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new InvalidScriptManifestError(path, [`cannot read it: ${(error as Error).message}`], { cause: error });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new InvalidScriptManifestError(path, [`not JSON: ${(error as Error).message}`], { cause: error });
  }
  return parseManifest(json, directory, path);
}

/** The zod schema of one script's `args` object: unknown names refused, defaults filled in. */
export function argumentsSchemaOf(args: Readonly<Record<string, ScriptArgument>>) {
  const shape: Record<string, z.ZodMiniType> = {};
  for (const [name, arg] of Object.entries(args)) {
    let schema: z.ZodMiniType;
    switch (arg.type) {
      case 'string': {
        if (arg.enum) {
          schema = z.enum(arg.enum as [string, ...string[]]);
          break;
        }
        let text = z.string().check(z.maxLength(arg.maxLength), z.minLength(arg.minLength ?? 0));
        if (arg.pattern !== undefined) text = text.check(z.regex(new RegExp(arg.pattern, 'u'), `must match ${arg.pattern}`));
        // NUL cannot be passed in argv; refuse it here instead of failing at spawn.
        schema = text.check(z.refine((value) => !value.includes('\0'), 'must not contain NUL'));
        break;
      }
      case 'integer':
        schema = z.number().check(z.int(), z.gte(arg.min), z.lte(arg.max));
        break;
      case 'number':
        schema = z.number().check(z.gte(arg.min), z.lte(arg.max));
        break;
      case 'boolean':
        schema = z.boolean();
        break;
      case 'artifact':
        schema = z.string().check(z.regex(INPUT_KEY, 'must be an artifact key under events/, exports/, snapshots/ or scripts/ (no ..)'));
        break;
    }
    schema = schema.check(z.describe(arg.description));
    if (arg.default !== undefined) schema = z._default(schema, arg.default);
    else if (!arg.required) schema = z.optional(schema);
    shape[name] = schema;
  }
  return z.strictObject(shape);
}

/** The argument vector, in declaration order: flags as `--flag value` (booleans bare when true), positionals as themselves. */
export function argumentVector(spec: ScriptSpec, args: Readonly<Record<string, unknown>>, resolveArtifact: (name: string, key: string) => string): string[] {
  const argv: string[] = [];
  const positionals: string[] = [];
  for (const [name, arg] of Object.entries(spec.args)) {
    const value = args[name];
    if (value === undefined) continue;
    if (arg.type === 'boolean') {
      if (value === true) argv.push(arg.flag!);
      continue;
    }
    // The manifest's args schema lets only strings and numbers through for these kinds.
    const given = typeof value === 'number' ? String(value) : (value as string);
    const text = arg.type === 'artifact' ? resolveArtifact(name, given) : given;
    if (arg.flag !== undefined) argv.push(arg.flag, text);
    else positionals.push(text);
  }
  // `--` ends the options, so a positional starting with - is never taken for one.
  return positionals.length > 0 ? [...argv, '--', ...positionals] : argv;
}

/** What GET /scripts shows of a script: its limits and its arguments as JSON Schema. */
export function describeScript(name: string, spec: ScriptSpec) {
  return {
    name,
    description: spec.description,
    interpreter: spec.interpreter,
    timeoutMs: spec.timeoutMs,
    memoryMb: spec.memoryMb,
    ...(spec.schedule ? { schedule: spec.schedule } : {}),
    args: z.toJSONSchema(argumentsSchemaOf(spec.args), { io: 'input' }),
    argv: Object.fromEntries(Object.entries(spec.args).map(([argName, arg]) => [argName, arg.flag ?? 'positional'])),
  };
}
