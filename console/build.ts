import { mkdir, rm, writeFile } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const CONSOLE_ROOT = resolve(fileURLToPath(new URL('.', import.meta.url)));

export interface BuiltConsole {
  outDir: string;
  /** Paths relative to `outDir`, with their sizes in bytes. */
  files: Array<{ path: string; bytes: number }>;
  ms: number;
}

/**
 * Builds the web console into `outDir`: `index.html` and `assets/app-<hash>.{js,css}`. One
 * esbuild pass (Preact, Chart.js and our code in one minified script), then the page that names
 * the hashed files. Everything the page loads comes from these files: no CDN, no inline script
 * (the Content-Security-Policy forbids both).
 */
export async function buildConsole(outDir: string, options: { minify?: boolean } = {}): Promise<BuiltConsole> {
  const started = Date.now();
  await rm(outDir, { recursive: true, force: true });
  await mkdir(join(outDir, 'assets'), { recursive: true });
  const result = await build({
    entryPoints: { app: join(CONSOLE_ROOT, 'src/main.tsx') },
    outdir: join(outDir, 'assets'),
    entryNames: '[name]-[hash]',
    bundle: true,
    format: 'esm',
    // Browsers from 2022 on: the console is for engineers' laptops.
    target: ['es2022', 'chrome105', 'firefox110', 'safari16'],
    jsx: 'automatic',
    jsxImportSource: 'preact',
    minify: options.minify ?? true,
    legalComments: 'none',
    metafile: true,
    logLevel: 'warning',
    define: { 'process.env.NODE_ENV': '"production"' },
  });
  const outputs = Object.keys(result.metafile.outputs).map((path) => basename(path));
  const script = outputs.find((name) => name.endsWith('.js'));
  const styles = outputs.find((name) => name.endsWith('.css'));
  if (!script || !styles) throw new Error(`the console build made no script or no style sheet: ${outputs.join(', ')}`);
  await writeFile(join(outDir, 'index.html'), page(script, styles));
  const files = [
    { path: 'index.html', bytes: Buffer.byteLength(page(script, styles)) },
    ...Object.entries(result.metafile.outputs).map(([path, output]) => ({ path: `assets/${basename(path)}`, bytes: output.bytes })),
  ];
  return { outDir, files, ms: Date.now() - started };
}

/** Relative asset paths: the page lives at `<api>/console`, whatever stage prefix the API has. */
function page(script: string, styles: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Nightshift console</title>
<link rel="icon" href="data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 16 16'%3E%3Ccircle cx='8' cy='8' r='7' fill='%231d2b53'/%3E%3Cpath d='M10.5 3.5a5 5 0 1 0 2 8 4 4 0 0 1-2-8z' fill='%23ffd166'/%3E%3C/svg%3E">
<link rel="stylesheet" href="console/assets/${styles}">
<script type="module" src="console/assets/${script}"></script>
</head>
<body>
<div id="app"><noscript>The Nightshift console needs JavaScript.</noscript></div>
</body>
</html>
`;
}

// `npm run console:build [-- --out DIR] [--quiet]`: the same build the local cloud and the CDK bundling run.
if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const outIndex = process.argv.indexOf('--out');
  const outDir = resolve(outIndex > 0 && process.argv[outIndex + 1] ? process.argv[outIndex + 1]! : 'dist/console');
  const built = await buildConsole(outDir);
  if (!process.argv.includes('--quiet')) {
    for (const file of built.files) console.log(`${file.path.padEnd(32)} ${(file.bytes / 1024).toFixed(1).padStart(8)} KiB`);
    console.log(`console built into ${outDir} in ${built.ms} ms`);
  }
}
