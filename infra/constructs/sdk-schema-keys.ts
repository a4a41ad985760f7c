import { readFile } from 'node:fs/promises';
import type { Plugin } from 'esbuild';

/**
 * The SDK clients' generated schemas (`@aws-sdk/client-<service>/dist-es/schemas/schemas_N.js`)
 * describe every operation of the service, one `export var <Operation>$ = [...]` each, so a bundle
 * should keep only the operations it sends. It keeps them all (S3's 67 KB, Lambda's 46 KB): their
 * trait objects are written with computed keys over the module's string constants
 * (`{ [_h]: ["PUT", "/2015-03-31/functions/{FunctionName}/code", 200] }` with `const _h = "http"`),
 * and esbuild counts a computed key as a possible side effect, so no declaration that holds one is
 * ever dropped (aws/aws-sdk-js-v3#7607, evanw/esbuild#4373). The fix proposed upstream
 * (smithy-lang/smithy-typescript#1889) writes those keys as string literals; this plugin does the
 * same at bundle time, and only where the key is one of the module's own top-level string
 * constants, so each object is the same object and the module means what it meant.
 */
export const sdkSchemaKeysPlugin: Plugin = {
  name: 'nightshift-sdk-schema-keys',
  setup(build) {
    build.onLoad({ filter: /[\\/]@aws-sdk[\\/]client-[^\\/]+[\\/]dist-es[\\/]schemas[\\/][^\\/]+\.js$/ }, async (args) => ({
      contents: withLiteralSchemaKeys(await readFile(args.path, 'utf8')),
      loader: 'js',
    }));
  },
};

/**
 * `{ [_h]: x }` → `{ "http": x }` for every `const _h = "http";` at the top of the module: only a
 * key (after `{` or `,`), only such a constant; any other computed key stays.
 */
export function withLiteralSchemaKeys(source: string): string {
  const constants = new Map<string, string>();
  for (const [, name, literal] of source.matchAll(/^const (_\w+) = ("(?:[^"\\\n]|\\.)*");$/gm)) constants.set(name!, literal!);
  return source.replace(/(?<=[{,]\s*)\[(_\w+)\]:/g, (whole, name: string) => {
    const literal = constants.get(name);
    return literal === undefined ? whole : `${literal}:`;
  });
}
