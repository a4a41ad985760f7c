import type { Tool, ToolAnnotations } from '@modelcontextprotocol/sdk/types.js';
import * as z from 'zod';
import { ApiConnectionError, ApiError, type NightshiftClient } from '../../functions/client/api-client';
import { isCalendarDay } from '../command';
import { apiErrorText } from '../output';

/** A JSON Schema as tools/list carries it. */
export type JsonSchema = Record<string, unknown>;
export type ToolInputSchema = Tool['inputSchema'];

/** What a tool gets for one call. */
export interface ToolContext {
  client: NightshiftClient;
  now: () => number;
  /** Waits between polls; rejects when the caller cancels the call or the server shuts down. */
  sleep: (ms: number) => Promise<void>;
  /** Tells the caller how a long call is going (a progress notification, if it asked for them). */
  progress: (message: string) => Promise<void>;
  /** Between polls of a followed run. */
  pollIntervalMs: number;
  /** The business time zone times are shown in (`GET /metrics`, asked once; UTC when the API will not say). */
  timezone: () => Promise<string>;
}

/** A tool's answer: concise text for the model, and the same facts as data (`structuredContent`). */
export interface ToolOutput {
  text: string;
  structured: Record<string, unknown>;
}

export interface NightshiftTool {
  name: string;
  title: string;
  description: string;
  inputSchema: ToolInputSchema;
  outputSchema?: ToolInputSchema;
  annotations: ToolAnnotations;
  /** Checks the arguments (a `ToolInputError` names what is wrong), then does the work. */
  call(args: unknown, context: ToolContext): Promise<ToolOutput>;
}

/** Arguments the tool refuses before anything is sent; the message names the argument and the rule. */
export class ToolInputError extends Error {
  override readonly name = 'ToolInputError';
}

/**
 * A tool whose input is a zod object: listed as the JSON Schema zod derives from it, checked by
 * it on every call (so the listed schema and the check cannot drift apart). `listedInput`
 * replaces the listed schema when the tool shows more than zod can say (run_script's per-script
 * argument schemas); the zod object still checks the envelope.
 */
export function defineTool<Input extends z.ZodObject>(spec: {
  name: string;
  title: string;
  description: string;
  input: Input;
  listedInput?: ToolInputSchema;
  output?: z.ZodObject;
  annotations: ToolAnnotations;
  run(args: z.output<Input>, context: ToolContext): Promise<ToolOutput>;
}): NightshiftTool {
  const known = Object.keys(spec.input.shape);
  return {
    name: spec.name,
    title: spec.title,
    description: spec.description,
    inputSchema: spec.listedInput ?? toJsonSchema(spec.input, 'input'),
    ...(spec.output ? { outputSchema: toJsonSchema(spec.output, 'output') } : {}),
    annotations: { title: spec.title, ...spec.annotations },
    async call(args, context) {
      return spec.run(parseInput(spec.input, args, known), context);
    },
  };
}

/** Parses tool arguments; a failure is a `ToolInputError` listing every problem by argument. */
export function parseInput<Schema extends z.ZodType>(schema: Schema, args: unknown, known: readonly string[], root?: string): z.output<Schema> {
  const parsed = schema.safeParse(args ?? {});
  if (parsed.success) return parsed.data;
  throw new ToolInputError(`invalid arguments: ${describeIssues(parsed.error.issues, known, root).join('; ')}`);
}

/** Zod issues as `name: problem`; an unknown key also lists the known ones, since that is usually a typo. */
export function describeIssues(issues: readonly z.core.$ZodIssue[], known: readonly string[], root?: string): string[] {
  return issues.map((issue) => {
    const path = [...(root ? [root] : []), ...issue.path.map(String)].join('.');
    const message =
      issue.code === 'unrecognized_keys'
        ? `unknown ${issue.keys.length === 1 ? 'argument' : 'arguments'} ${issue.keys.map((key) => JSON.stringify(key)).join(', ')} (known: ${known.join(', ') || 'none'})`
        : issue.message;
    return path ? `${path}: ${message}` : message;
  });
}

/** A local day input, `YYYY-MM-DD`, that is a real calendar day. */
export function localDay(description: string) {
  return z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a day YYYY-MM-DD')
    .refine(isCalendarDay, 'must be a real calendar day')
    .describe(description);
}

/**
 * A zod schema as JSON Schema for tools/list. `$schema` is dropped: these schemas sit inside
 * another document, and a client applies its own dialect (MCP's default, 2020-12) to them.
 */
export function toJsonSchema(schema: z.ZodType, io: 'input' | 'output'): ToolInputSchema {
  const { $schema: _dialect, ...json } = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as JsonSchema;
  return json as ToolInputSchema;
}

/**
 * What a failed call says: the API's own message (and status and code), the connection
 * problem naming the URL, or the argument problem. Never a stack: the reader is a model or a
 * person in a chat.
 */
export function errorText(error: unknown, hasToken: boolean): string {
  if (error instanceof ApiError) {
    const hint = error.status === 401 && !hasToken ? ' — the MCP server has no token: set NIGHTSHIFT_TOKEN in its environment or pass --token' : '';
    return `${apiErrorText(error)}${hint}`;
  }
  if (error instanceof ApiConnectionError || error instanceof ToolInputError) return error.message;
  if (error instanceof Error && error.name === 'AbortError') return 'the call was cancelled (or the server is shutting down) before it finished; a run it started goes on';
  return error instanceof Error ? error.message : String(error);
}
