#!/usr/bin/env node
// The `nightshift` command (`npx nightshift …` in the repository, or `npm link` for a global one).
//
// It runs the compiled CLI, dist/cli/nightshift.mjs: an esbuild bundle that `npm ci` builds (the
// `prepare` script, `npm run cli:build`), so a call costs Node's start plus a few milliseconds
// instead of compiling TypeScript through tsx every time. Before running it, the bin checks the
// bundle against the files it was built from (dist/cli/manifest.json: a stat per file, about a
// millisecond): when the bundle is missing or a source changed since (an edit, a `git pull`), it
// rebuilds it first — that one call takes a second longer, the next ones are fast again. When it
// cannot be rebuilt (no esbuild, a read-only checkout, a syntax error), the TypeScript sources run
// through tsx, as before there was a bundle, so the command works and its errors read as they would.
import { bundleIsFresh } from './fresh-bundle.mjs';

const root = new URL('../', import.meta.url);
const dist = new URL('dist/cli/', root);

async function rebuild() {
  const { register } = await import('tsx/esm/api');
  const unregister = register();
  try {
    const { buildCli } = await import('../cli/build.ts');
    await buildCli();
  } finally {
    await unregister();
  }
}

let compiled = bundleIsFresh(dist, root);
if (!compiled) compiled = await rebuild().then(() => true, () => false);
if (compiled) {
  await import(new URL('nightshift.mjs', dist).href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../cli/process-entry.ts');
}
