import type { BuildOptions } from 'esbuild';
import type { NightshiftConfig } from '../../functions/core/config';
import { compileHolidayTable } from '../calendar/compile-holidays';
import { sdkSchemaKeysPlugin } from './sdk-schema-keys';

/**
 * How every Nightshift function is bundled, in one place: the zip functions (`JobFunction`), the
 * script runner's image (both through `bundleLambdaSync`, bundle-sync.ts) and the init benchmark
 * (`bench/init`) build with these options, so what is measured is what is deployed.
 */

/**
 * esbuild's ESM output has no `require`; CommonJS dependencies that call it (or that esbuild
 * wraps in `__require`) would throw "Dynamic require of X is not supported". The alias keeps the
 * banner's import from clashing with any `createRequire` a bundled module imports itself.
 */
export const esmRequireBanner =
  "import { createRequire as __nightshiftCreateRequire } from 'node:module'; const require = __nightshiftCreateRequire(import.meta.url);";

/**
 * The SDK's default credential chain after its first link: profiles, SSO, processes, web
 * identity, container and instance metadata, with the STS/SSO/sign-in clients they bring (~105 KB
 * of every bundle). The chain imports each one only when the links before it found nothing
 * (`await import(...)` in @aws-sdk/credential-provider-node), and in Lambda the first link, the
 * environment's keys, always answers: left out of the bundle, they are never asked for. This is
 * what the SDK's maintainers advise for Lambda bundles (aws/aws-sdk-js-v3#6087); a function run
 * without keys in its environment fails on the missing package instead of trying a profile.
 */
export const lazyCredentialProviders: readonly string[] = [
  '@aws-sdk/credential-provider-ini',
  '@aws-sdk/credential-provider-sso',
  '@aws-sdk/credential-provider-process',
  '@aws-sdk/credential-provider-web-identity',
  '@aws-sdk/credential-provider-http',
  '@smithy/credential-provider-imds',
];

/** esbuild's options for a function's `index.mjs`. They hold a plugin: build with `build`, not `buildSync`. */
export function lambdaBundleOptions(entry: string, outfile: string, define: Record<string, string>): BuildOptions {
  return {
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node22',
    // Prefer packages' ESM builds: better tree-shaking, and no CJS interop wrappers.
    mainFields: ['module', 'main'],
    banner: { js: esmRequireBanner },
    minify: true,
    sourcemap: true,
    sourcesContent: false,
    // The SDK is bundled rather than taken from the runtime: the versions deployed are the ones
    // the tests ran against (the runtime's copy changes under us without a deploy), and esbuild
    // keeps only the commands we import, which loads faster than the runtime's full clients.
    // Only the credential links Lambda never reaches stay out (above).
    external: [...lazyCredentialProviders],
    logLevel: 'warning',
    define,
    // The SDK's operation schemas tree-shaken to the operations the function sends (sdk-schema-keys.ts).
    plugins: [sdkSchemaKeysPlugin],
  };
}

/**
 * What every function's bundle gets compiled in, for esbuild's `define`: the validated config (no
 * 4 KB environment limit, no parse of a file at cold start, and a config change changes the asset
 * hash, so it redeploys) and the configured region's holiday table. esbuild substitutes a define
 * only where the code reads it: the table lands only in the bundle whose entry imports
 * bundledHolidayTable (functions/adapters/environment.ts): the sampling proof's.
 */
export function bundleDefines(config: NightshiftConfig): Record<string, string> {
  return {
    'process.env.NIGHTSHIFT_CONFIG_JSON': JSON.stringify(JSON.stringify(config)),
    'process.env.NIGHTSHIFT_HOLIDAYS_JSON': JSON.stringify(JSON.stringify(compileHolidayTable(config.calendar) ?? null)),
  };
}
