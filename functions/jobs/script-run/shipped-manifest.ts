import { resolve } from 'node:path';
import manifestJson from '../../../layers/scripts/manifest.json' with { type: 'json' };
import { parseManifest, type ScriptManifest } from './manifest';

/**
 * The whitelist this build ships. The JSON is bundled into every function that imports it (the
 * API validates against it without the scripts themselves). Its directory here is the
 * repository's `layers/scripts` under the working directory (`npm start`, the tests); a run
 * reads the files from the runtime's script directory instead (NIGHTSHIFT_SCRIPTS_DIR, which the
 * script runner's image sets, parsed by adapters/environment.ts).
 */
export const shippedManifest: ScriptManifest = parseManifest(manifestJson, resolve('layers/scripts'), 'layers/scripts/manifest.json');
