import { randomBytes } from 'node:crypto';
import { chmod, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export const TOKENS_FILE = 'tokens.json';
/** Owner read/write only: the file holds a bearer token. */
const PRIVATE_MODE = 0o600;

export interface LocalAdminToken {
  token: string;
  /** `environment`: NIGHTSHIFT_ADMIN_TOKEN; `file`: kept from an earlier start; `generated`: new, now kept. */
  source: 'environment' | 'file' | 'generated';
  /** Where a generated token is kept (absent for one from the environment). */
  file?: string;
}

/**
 * The local cloud's admin token. One chosen (NIGHTSHIFT_ADMIN_TOKEN of `npm start`) wins; otherwise the token kept in the
 * data directory (`tokens.json`, mode 0600), generated and kept on the first start, so an
 * exported TOKEN, NIGHTSHIFT_TOKEN or an MCP client's configuration outlives a restart.
 */
export async function localAdminToken(dataDir: string, chosen: string | undefined): Promise<LocalAdminToken> {
  if (chosen) return { token: chosen, source: 'environment' };
  const file = join(dataDir, TOKENS_FILE);
  const kept = await readKept(file);
  if (kept !== undefined) {
    // A copy or an unpacked backup may have widened it: a token file stays private.
    if (((await stat(file)).mode & 0o077) !== 0) await chmod(file, PRIVATE_MODE);
    return { token: kept, source: 'file', file };
  }
  const token = `nsa_${randomBytes(18).toString('base64url')}`;
  try {
    await writeFile(file, `${JSON.stringify({ admin: token }, null, 2)}\n`, { mode: PRIVATE_MODE, flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    const written = await readKept(file);
    if (written === undefined) throw new Error(`${file} exists but holds no admin token; remove it to have one generated`, { cause: error });
    return { token: written, source: 'file', file };
  }
  return { token, source: 'generated', file };
}

async function readKept(file: string): Promise<string | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new Error(`${file} is not valid JSON (${(error as Error).message}); fix it or remove it to have a new token generated`, { cause: error });
  }
  const admin = (parsed as { admin?: unknown } | null)?.admin;
  if (typeof admin !== 'string' || admin === '') throw new Error(`${file} has no "admin" token; fix it or remove it to have a new one generated`);
  return admin;
}
