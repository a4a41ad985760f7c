import * as z from 'zod/mini';
import '../../core/zod-mini-english';
import { argumentsSchemaOf, type ScriptManifest } from './manifest';
import { shippedManifest } from './shipped-manifest';
import { zodMessage } from '../../core/validation';

/** A run may ask for a shorter limit than its script's, never a longer one. */
const MAX_TIMEOUT_MS = 14 * 60_000;

/**
 * `{script, args, timeoutMs?}` checked against a manifest: the name exactly (a path or a pattern
 * is just an unknown name), the arguments against the script's schema (defaults filled in). The
 * API calls it through the catalog, so a mismatch is a 400 before anything is recorded.
 */
export function scriptRunParamsFor(manifest: ScriptManifest) {
  const argumentSchemas = new Map(Object.entries(manifest.scripts).map(([name, spec]) => [name, argumentsSchemaOf(spec.args)]));
  const known = [...argumentSchemas.keys()].sort().join(', ');
  return z.pipe(z.strictObject({
    script: z.string().check(z.minLength(1), z.maxLength(200)),
    args: z._default(z.record(z.string(), z.unknown()), {}),
    timeoutMs: z.optional(z.number().check(z.int(), z.gte(100), z.lte(MAX_TIMEOUT_MS))),
  }), z.transform((params, ctx) => {
    const schema = argumentSchemas.get(params.script);
    if (!schema) {
      ctx.issues.push({ code: 'custom', input: params, path: ['script'], message: `unknown script ${JSON.stringify(params.script.slice(0, 80))} (known: ${known || 'none'})` });
      return z.NEVER;
    }
    const args = schema.safeParse(params.args);
    if (!args.success) {
      ctx.issues.push({ code: 'custom', input: params, path: ['args'], message: zodMessage(args.error, { prefix: `${params.script} args` }) });
      return z.NEVER;
    }
    return { script: params.script, args: args.data, ...(params.timeoutMs !== undefined ? { timeoutMs: params.timeoutMs } : {}) };
  }));
}

export type ScriptRunParams = z.output<ReturnType<typeof scriptRunParamsFor>>;

export const scriptRunParams = scriptRunParamsFor(shippedManifest);
