import { readFileSync, unlinkSync } from 'node:fs';
import { readFile, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export const LOCK_FILE = 'nightshift.lock';

/** What the lock file says about the local cloud holding the data directory. */
export interface LockHolder {
  pid: number;
  startedAt: string;
  /** Set once its API listens. */
  url?: string;
  /** Its emulators, so a start after a crash (kill -9) can stop the ones left behind. */
  emulatorPids?: number[];
}

/** Another local cloud runs on this data directory. */
export class DataDirInUseError extends Error {
  constructor(
    readonly dataDir: string,
    readonly holder: LockHolder,
  ) {
    super(
      `another local cloud is running on ${dataDir}: ${holder.url ?? '(still starting)'}, pid ${holder.pid}, since ${holder.startedAt}.\n` +
        `Use that one, stop it (Ctrl-C in its terminal, or kill ${holder.pid}), or start this one with another --data-dir.`,
    );
    this.name = 'DataDirInUseError';
  }
}

export interface InstanceLock {
  readonly file: string;
  /** Set when a lock left by a local cloud that is gone was taken over: what happened to it. */
  readonly tookOver?: string;
  /** Adds what others should know once they are known (the API's URL, the emulators). */
  update(details: Pick<LockHolder, 'url' | 'emulatorPids'>): Promise<void>;
  release(): Promise<void>;
}

/**
 * One local cloud per data directory: `nightshift.lock` (pid, start, URL) created exclusively. A
 * lock whose process is gone (killed, crashed) is stale: it is taken over, and emulators it
 * recorded that still run on this directory are stopped first, so two DynamoDB Locals never
 * share a database file. The lock goes away on stop and on any exit of this process.
 */
export async function acquireInstanceLock(dataDir: string, now: Date = new Date()): Promise<InstanceLock> {
  const file = join(dataDir, LOCK_FILE);
  let holder: LockHolder = { pid: process.pid, startedAt: now.toISOString() };
  let tookOver: string | undefined;
  if (!(await createExclusively(file, holder))) {
    const existing = await readHolder(file);
    if (existing && isRunning(existing.pid)) throw new DataDirInUseError(dataDir, existing);
    tookOver = existing ? await takeOver(existing, dataDir) : 'an unreadable lock file was replaced';
    await unlink(file).catch(() => undefined);
    // Another start may have taken the stale lock over in between: then it is theirs.
    if (!(await createExclusively(file, holder))) throw new DataDirInUseError(dataDir, (await readHolder(file)) ?? holder);
  }

  const releaseOnExit = (): void => {
    if (ownsLock(file)) unlinkSync(file);
  };
  process.on('exit', releaseOnExit);
  return {
    file,
    ...(tookOver ? { tookOver } : {}),
    async update(details) {
      holder = { ...holder, ...details };
      await writeFile(file, JSON.stringify(holder));
    },
    async release() {
      process.off('exit', releaseOnExit);
      if (ownsLock(file)) await unlink(file).catch(() => undefined);
    },
  };
}

/** False when the file exists already. */
async function createExclusively(file: string, holder: LockHolder): Promise<boolean> {
  try {
    await writeFile(file, JSON.stringify(holder), { flag: 'wx' });
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
}

/** The holder, read twice if need be: a lock just created may not have its content yet. */
async function readHolder(file: string): Promise<LockHolder | undefined> {
  for (let attempt = 0; attempt < 2; attempt += 1) {
    try {
      const parsed = JSON.parse(await readFile(file, 'utf8')) as Partial<LockHolder>;
      if (typeof parsed.pid === 'number' && typeof parsed.startedAt === 'string') return parsed as LockHolder;
    } catch {
      // Empty or half written: look again shortly.
    }
    await new Promise((done) => setTimeout(done, 200));
  }
  return undefined;
}

function ownsLock(file: string): boolean {
  try {
    return (JSON.parse(readFileSync(file, 'utf8')) as Partial<LockHolder>).pid === process.pid;
  } catch {
    return false;
  }
}

/** Signal 0 asks whether the process exists; EPERM means it does, under another user. */
export function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Stops the stale holder's emulators that still run on this data directory, and says what was done. */
async function takeOver(stale: LockHolder, dataDir: string): Promise<string> {
  const stopped: number[] = [];
  for (const pid of stale.emulatorPids ?? []) {
    if (!isRunning(pid) || !commandLineMentions(pid, dataDir)) continue;
    process.kill(pid, 'SIGKILL');
    stopped.push(pid);
  }
  // Gone before new emulators open the same files (a zombie nobody reaps just takes the wait).
  for (let waited = 0; waited < 2_000 && stopped.some((pid) => commandLineMentions(pid, dataDir)); waited += 100) {
    await new Promise((done) => setTimeout(done, 100));
  }
  const emulators = stopped.length > 0 ? `; its emulators left running (pid ${stopped.join(', ')}) were stopped` : '';
  return `the local cloud that held ${dataDir} (pid ${stale.pid}) is gone without stopping${emulators}`;
}

/**
 * Whether the process runs with this directory on its command line (Linux's /proc): a pid the
 * system has reused for something else is never killed. Elsewhere nothing is known, so no.
 */
function commandLineMentions(pid: number, dataDir: string): boolean {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').some((argument) => argument.includes(dataDir));
  } catch {
    return false;
  }
}
