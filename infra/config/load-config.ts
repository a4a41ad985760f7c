import { readFile, access } from 'node:fs/promises';
import { extname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ConfigLoadError, parseConfig, type NightshiftConfig } from '../../functions/core/config';
import { jobTypeNames } from '../../functions/catalog';

export const DEFAULT_CONFIG_FILE = 'nightshift.config.ts';

/**
 * Reads and validates a config file once: `.ts`/`.mts`/`.js`/`.mjs` (default export) or `.json`.
 * TypeScript files need the process to run under tsx, as `npm start`, `npm run synth` and the
 * tests do.
 */
export async function loadConfigFile(file: string = DEFAULT_CONFIG_FILE, cwd = process.cwd()): Promise<NightshiftConfig> {
  const path = resolve(cwd, file);
  try {
    await access(path);
  } catch (error) {
    throw new ConfigLoadError(`config file ${path} does not exist`, { cause: error });
  }
  return parseConfig(await readRawConfig(path), path, { jobTypes: jobTypeNames });
}

async function readRawConfig(path: string): Promise<unknown> {
  const extension = extname(path);
  if (extension === '.json') {
    const text = await readFile(path, 'utf8');
    try {
      return JSON.parse(text);
    } catch (error) {
      throw new ConfigLoadError(`${path} is not valid JSON: ${(error as Error).message}`, { cause: error });
    }
  }
  if (['.ts', '.mts', '.js', '.mjs'].includes(extension)) {
    let module: { default?: unknown };
    try {
      module = (await import(pathToFileURL(path).href)) as { default?: unknown };
    } catch (error) {
      throw new ConfigLoadError(`${path} could not be loaded: ${(error as Error).message}`, { cause: error });
    }
    if (module.default === undefined) throw new ConfigLoadError(`${path} has no default export (export default defineConfig({...}))`);
    return module.default;
  }
  throw new ConfigLoadError(`${path}: config files must end in .ts, .mts, .js, .mjs or .json`);
}
