import { readFile, access } from 'node:fs/promises';
import { dirname, extname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createJiti } from 'jiti';
import { ConfigLoadError, parseConfig, type NightshiftConfig } from '../../functions/core/config';
import { jobTypeNames, scheduledTasks } from '../../functions/catalog';

export const DEFAULT_CONFIG_FILE = 'nightshift.config.ts';

const PACKAGE_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/**
 * Reads and validates a config file once: `.ts`/`.mts`/`.js`/`.mjs` (default export) or `.json`.
 * Validation is the schema and then every schedule against the catalog (a period or params its
 * job would refuse), so a config that loads is one that runs.
 */
export async function loadConfigFile(file: string = DEFAULT_CONFIG_FILE, cwd = process.cwd()): Promise<NightshiftConfig> {
  const path = resolve(cwd, file);
  try {
    await access(path);
  } catch (error) {
    throw new ConfigLoadError(`config file ${path} does not exist`, { cause: error });
  }
  const config = parseConfig(await readRawConfig(path), path, { jobTypes: jobTypeNames });
  scheduledTasks(config, path);
  return config;
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
      // jiti compiles TypeScript itself and maps the package's own exports (`nightshift/config`)
      // to this checkout, so a config file loads wherever it is, with no node_modules beside it.
      const jiti = createJiti(import.meta.url, { alias: await packageAliases(), moduleCache: false, interopDefault: false });
      module = await jiti.import<{ default?: unknown }>(path);
    } catch (error) {
      throw new ConfigLoadError(`${path} could not be loaded: ${(error as Error).message}`, { cause: error });
    }
    if (module.default === undefined) throw new ConfigLoadError(`${path} has no default export (export default defineConfig({...}))`);
    return module.default;
  }
  throw new ConfigLoadError(`${path}: config files must end in .ts, .mts, .js, .mjs or .json`);
}

/** `nightshift/config` → its file in this checkout, for every subpath package.json exports. */
async function packageAliases(): Promise<Record<string, string>> {
  const pkg = JSON.parse(await readFile(resolve(PACKAGE_ROOT, 'package.json'), 'utf8')) as { name: string; exports?: Record<string, string> };
  return Object.fromEntries(
    Object.entries(pkg.exports ?? {})
      .filter(([subpath, target]) => subpath.startsWith('./') && target.endsWith('.ts'))
      .map(([subpath, target]) => [`${pkg.name}/${subpath.slice(2)}`, resolve(PACKAGE_ROOT, target)]),
  );
}
