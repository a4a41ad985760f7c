import * as z from 'zod';
import type { ScriptDescription } from '../../functions/client/types';
import { describeIssues, type JsonSchema, type ToolInputSchema } from './tool';

/*
 * How an agent sees each script's arguments. `GET /scripts` gives every script's arguments as a
 * JSON Schema; the tools show those schemas as they are, two ways:
 *
 * - `run_script {script, args}`: `script` is an enum of the names, `args` an object whose
 *   `anyOf` holds one titled schema per script, and whose description lists each script's
 *   arguments in words. It always exists, whatever the number of scripts. `anyOf` (not `oneOf`,
 *   not `if`/`then` on `script`) because it is what clients and models handle: two scripts with
 *   the same required `input` would both match, which `oneOf` forbids, and clients ignore
 *   conditionals. The pairing of script and args is checked here, per script, before the call.
 * - one tool per script, `run_script_<name>`, whose inputs are the script's own arguments at the
 *   top level. A flat object of plain properties is the shape every client renders and every
 *   model fills most reliably; it needs no pairing at all. Only while the whitelist is small
 *   (MAX_SCRIPT_TOOLS), so the tool list stays short, and only for scripts whose argument names
 *   leave room for the run controls (timeoutMs, wait, waitSeconds).
 *
 * The schemas are read once at startup: a changed whitelist needs a restart of the MCP server
 * (the API still checks every call against the current one).
 */

export const MAX_SCRIPT_TOOLS = 10;
/** Clients (and model APIs) accept tool names up to 64 characters of `[A-Za-z0-9_-]`. */
const TOOL_NAME = /^[A-Za-z0-9_-]{1,64}$/;

/** A script's argument schema as it sits inside a tool's schema: no `$schema` (one document, one dialect), titled. */
export function scriptArgsSchema(script: ScriptDescription): JsonSchema {
  const { $schema: _dialect, ...schema } = script.args;
  return { ...schema, title: script.name, description: `Arguments of ${script.name}: ${script.description}` };
}

/** `input (string, required): Key of …; top (integer, default 5): …` — for descriptions, where every client shows it. */
export function describeScriptArgs(script: ScriptDescription): string {
  const required = new Set(script.args.required ?? []);
  const entries = Object.entries(script.args.properties ?? {}).map(([name, property]) => {
    const type = Array.isArray(property.type) ? property.type.join('|') : (property.type ?? 'any');
    const notes = [type, required.has(name) ? 'required' : '', property.default !== undefined ? `default ${JSON.stringify(property.default)}` : ''].filter(Boolean).join(', ');
    return `${name} (${notes})${property.description ? `: ${property.description}` : ''}`;
  });
  return entries.length > 0 ? entries.join('; ') : 'no arguments';
}

/**
 * run_script's listed input schema: the envelope's own (timeoutMs, wait, waitSeconds as zod
 * derives them), with `script` as the enum of names and `args` carrying every script's schema.
 * Without a script list (GET /scripts failed at startup), `script` is any name and `args` any
 * object; the call then reads the list and checks against it.
 */
export function runScriptInputSchema(envelope: ToolInputSchema, scripts: readonly ScriptDescription[] | undefined): ToolInputSchema {
  const properties = { ...envelope.properties };
  if (scripts && scripts.length > 0) {
    properties['script'] = {
      type: 'string',
      enum: scripts.map((script) => script.name),
      description: `Which whitelisted script to run: ${scripts.map((script) => `${script.name} — ${script.description}`).join(' | ')}`,
    };
    properties['args'] = {
      type: 'object',
      description: `The chosen script's arguments, checked against its schema (the anyOf entry titled with its name) before anything starts. ${scripts
        .map((script) => `${script.name}: ${describeScriptArgs(script)}`)
        .join(' | ')}`,
      anyOf: scripts.map(scriptArgsSchema),
      default: {},
    };
  }
  return { ...envelope, properties };
}

/** The per-script tool's name, or undefined when the script cannot have one (see above). */
export function scriptToolName(script: ScriptDescription, controlNames: readonly string[]): string | undefined {
  const name = `run_script_${script.name}`;
  if (!TOOL_NAME.test(name)) return undefined;
  if (Object.keys(script.args.properties ?? {}).some((arg) => controlNames.includes(arg))) return undefined;
  return name;
}

/** The per-script tool's input schema: the script's arguments and the run controls side by side, nothing else. */
export function scriptToolInputSchema(script: ScriptDescription, envelope: ToolInputSchema, controlNames: readonly string[]): ToolInputSchema {
  const controls = Object.fromEntries(Object.entries(envelope.properties ?? {}).filter(([name]) => controlNames.includes(name)));
  const { $schema: _dialect, properties, required, ...rest } = script.args;
  return {
    ...rest,
    type: 'object',
    properties: { ...properties, ...controls },
    ...(required && required.length > 0 ? { required } : {}),
    additionalProperties: false,
  };
}

export type ArgsCheck = (args: unknown) => { ok: true } | { ok: false; problems: string[] };

/**
 * Checks arguments against a script's JSON Schema (through zod's JSON Schema reader, whose
 * messages name the argument: `args.top: Too big: expected number to be <=50`). A schema the
 * reader cannot take is left to the API, which checks every call anyway; `onUnreadable` says so.
 */
export function scriptArgsCheck(script: ScriptDescription, root: string | undefined, onUnreadable?: (message: string) => void): ArgsCheck {
  const known = Object.keys(script.args.properties ?? {});
  let schema: z.ZodType;
  try {
    const { $schema: _dialect, ...json } = script.args;
    schema = z.fromJSONSchema(json as Parameters<typeof z.fromJSONSchema>[0]);
  } catch (error) {
    onUnreadable?.(`the argument schema of ${script.name} cannot be read here (${error instanceof Error ? error.message : String(error)}); the API checks its arguments`);
    return () => ({ ok: true });
  }
  return (args) => {
    const parsed = schema.safeParse(args);
    return parsed.success ? { ok: true } : { ok: false, problems: describeIssues(parsed.error.issues, known, root) };
  };
}

