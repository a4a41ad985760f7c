import { readFileSync, statSync } from 'node:fs';

/**
 * Whether the compiled CLI in `dist` (a URL ending in `/`) was built from the sources as they are
 * now: its manifest (cli/build.ts) lists the files it was built from, relative to `root`, and
 * when they were read. A file changed since, or gone, or no manifest at all, means it is not.
 */
export function bundleIsFresh(dist, root) {
  try {
    const manifest = JSON.parse(readFileSync(new URL('manifest.json', dist), 'utf8'));
    return manifest.inputs.every((path) => statSync(new URL(path, root)).mtimeMs <= manifest.sourcesAsOf);
  } catch {
    return false;
  }
}
