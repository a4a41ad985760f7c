import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildConsole } from '../../console/build';

/** The web console built into a temp folder (for NIGHTSHIFT_CONSOLE_DIR); `remove()` deletes it. */
export async function buildTestConsole(): Promise<{ dir: string; remove(): Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'nightshift-console-'));
  await buildConsole(dir);
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}
