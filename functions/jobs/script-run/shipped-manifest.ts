import { resolve } from 'node:path';
import manifestJson from '../../../layers/scripts/manifest.json' with { type: 'json' };
import { parseManifest, type ScriptManifest } from './manifest';

/**
 * The whitelist this build ships. The JSON is bundled into every function that imports it (the
 * API validates against it without the scripts themselves); the files are read from
 * NIGHTSHIFT_SCRIPTS_DIR, which the script runner's image sets, or `layers/scripts` under the
 * working directory (the repository root for `npm start` and the tests).
 */
export const shippedManifest: ScriptManifest = parseManifest(
  manifestJson,
  resolve(process.env['NIGHTSHIFT_SCRIPTS_DIR'] ?? 'layers/scripts'),
  'layers/scripts/manifest.json',
);

/** The longest script limit: the runner function's timeout is sized from it. */
export const longestScriptTimeoutMs = Math.max(...Object.values(shippedManifest.scripts).map((spec) => spec.timeoutMs));
export const largestScriptMemoryMb = Math.max(...Object.values(shippedManifest.scripts).map((spec) => spec.memoryMb));
