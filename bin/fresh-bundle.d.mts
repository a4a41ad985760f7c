/** See fresh-bundle.mjs. */
export function bundleIsFresh(dist: URL, root: URL): boolean;
