import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

/** A file of the built console, held in memory: the whole console is a few hundred KB. */
export interface ConsoleAsset {
  contentType: string;
  body: Buffer;
  gzipped: Buffer;
  /** Hashed file names never change content: browsers may keep them for a year. */
  immutable: boolean;
}

export interface ConsoleAssets {
  dir: string;
  files: ReadonlyMap<string, ConsoleAsset>;
}

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
};

/** `app-3F2A9C1B.js`: esbuild's `[name]-[hash]` entry and chunk names. */
const HASHED_NAME = /-[A-Z0-9]{8}\.[a-z]+$/;

/**
 * Where the built console is: the configured directory (`NIGHTSHIFT_CONSOLE_DIR`: the local cloud
 * builds it at start), else `console/` next to the API bundle (the CDK bundling step puts it there).
 */
export function consoleDirectory(configured: string | undefined): string {
  return configured ?? join(dirname(fileURLToPath(import.meta.url)), 'console');
}

/** Reads every file under `dir`; undefined when there is no built console (no index.html). */
export function loadConsoleAssets(dir: string): ConsoleAssets | undefined {
  let names: string[];
  try {
    if (!statSync(join(dir, 'index.html')).isFile()) return undefined;
    names = readdirSync(dir, { recursive: true, encoding: 'utf8' });
  } catch {
    return undefined;
  }
  const files = new Map<string, ConsoleAsset>();
  for (const name of names) {
    const path = join(dir, name);
    if (!statSync(path).isFile()) continue;
    const body = readFileSync(path);
    const extension = /\.[a-z0-9]+$/i.exec(name)?.[0]?.toLowerCase() ?? '';
    files.set(relative(dir, path).split(sep).join('/'), {
      contentType: CONTENT_TYPES[extension] ?? 'application/octet-stream',
      body,
      gzipped: gzipSync(body),
      immutable: HASHED_NAME.test(name),
    });
  }
  return { dir, files };
}

/**
 * The page's Content-Security-Policy: scripts, styles and API calls from this origin only;
 * no inline script, no frames, no plugins, no forms posting elsewhere. Images may be data: URLs
 * (the favicon; Chart.js draws to a canvas, not to images).
 */
export const CONSOLE_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "manifest-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

export const CONSOLE_SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy': CONSOLE_CSP,
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
};
