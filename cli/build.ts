import { mkdir, readdir, rename, stat, unlink, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const ROOT = resolve(fileURLToPath(new URL('.', import.meta.url)), '..');

/** Where `bin/nightshift.mjs` looks for the compiled CLI. */
export const CLI_DIST = join(ROOT, 'dist/cli');

/**
 * What the bin reads before it runs the bundle: the files it was built from (relative to the
 * repository) and when their contents were read. A file changed after `sourcesAsOf` (an edit, a
 * `git pull`), or gone, makes the bundle stale.
 */
export interface CliManifest {
  sourcesAsOf: number;
  inputs: string[];
}

export interface BuiltCli {
  outDir: string;
  files: Array<{ path: string; bytes: number }>;
  ms: number;
}

/** Chunks no build names any more are removed after this long: a running `nightshift mcp` may still load one. */
const OLD_CHUNK_MS = 24 * 3_600_000;

/**
 * Compiles the CLI into `outDir` (default dist/cli): `nightshift.mjs`, the entry (arguments, help,
 * the client), and one chunk per command module, loaded when that command runs. Dependencies are
 * bundled in, so a start resolves nothing in node_modules. Files are written beside their final
 * names and renamed into place, chunks first and the entry last, so a CLI starting meanwhile runs
 * either the old build or the new one, never half of each.
 */
export async function buildCli(outDir = CLI_DIST): Promise<BuiltCli> {
  const started = Date.now();
  const result = await build({
    absWorkingDir: ROOT,
    entryPoints: { nightshift: 'cli/process-entry.ts' },
    outdir: outDir,
    outExtension: { '.js': '.mjs' },
    chunkNames: 'chunks/[name]-[hash]',
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    // Lambda's Node 22 and the repository's Node 20 both run it.
    target: 'node20',
    // A CommonJS dependency's `require('node:…')` inside an ES module bundle needs a real require.
    banner: { js: "import { createRequire as __nightshiftCreateRequire } from 'node:module'; const require = __nightshiftCreateRequire(import.meta.url);" },
    sourcemap: 'linked',
    metafile: true,
    write: false,
    logLevel: 'warning',
  });
  await mkdir(join(outDir, 'chunks'), { recursive: true });
  const entry = join(outDir, 'nightshift.mjs');
  const outputs = [...result.outputFiles].sort((a, b) => Number(a.path === entry) - Number(b.path === entry) || a.path.localeCompare(b.path));
  const manifest: CliManifest = {
    sourcesAsOf: started,
    inputs: [...Object.keys(result.metafile.inputs).filter((path) => !path.includes('node_modules/')), 'package-lock.json'].sort(),
  };
  for (const output of outputs) {
    if (output.path === entry) await replaceFile(join(outDir, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
    await replaceFile(output.path, output.contents);
  }
  await removeOldChunks(join(outDir, 'chunks'), new Set(outputs.map((output) => output.path)));
  return { outDir, files: outputs.map((output) => ({ path: relative(outDir, output.path), bytes: output.contents.byteLength })), ms: Date.now() - started };
}

async function replaceFile(path: string, contents: string | Uint8Array): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const temporary = `${path}.${process.pid}.tmp`;
  await writeFile(temporary, contents);
  await rename(temporary, path);
}

async function removeOldChunks(dir: string, current: ReadonlySet<string>): Promise<void> {
  const now = Date.now();
  for (const name of await readdir(dir)) {
    const path = join(dir, name);
    if (current.has(path)) continue;
    const { mtimeMs } = await stat(path).catch(() => ({ mtimeMs: now }));
    if (now - mtimeMs > OLD_CHUNK_MS) await unlink(path).catch(() => undefined);
  }
}

// `npm run cli:build [-- --quiet]` (also `prepare`, so `npm ci` leaves a compiled CLI behind).
if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const built = await buildCli();
  if (!process.argv.includes('--quiet')) {
    for (const file of built.files.filter((file) => !file.path.endsWith('.map'))) console.log(`${file.path.padEnd(48)} ${(file.bytes / 1024).toFixed(1).padStart(8)} KiB`);
    console.log(`CLI built into ${built.outDir} in ${built.ms} ms`);
  }
}
