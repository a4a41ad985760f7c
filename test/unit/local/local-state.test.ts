import { spawnSync } from 'node:child_process';
import { chmod, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { acquireInstanceLock, DataDirInUseError, LOCK_FILE } from '../../../infra/local/instance-lock';
import { localAdminToken, TOKENS_FILE } from '../../../infra/local/local-tokens';

let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'nightshift-local-state-'));
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** The pid of a process that has already exited. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  return Number(child.stdout);
}

describe('the local admin token', () => {
  it('is generated once, kept in the data dir with mode 0600, and the same on the next start', async () => {
    // Act
    const first = await localAdminToken(dir, undefined);
    const again = await localAdminToken(dir, undefined);

    // Assess
    expect(first).toEqual({ token: expect.stringMatching(/^nsa_[\w-]{24}$/), source: 'generated', file: join(dir, TOKENS_FILE) });
    expect(again).toEqual({ ...first, source: 'file' });
    expect((await stat(join(dir, TOKENS_FILE))).mode & 0o777).toBe(0o600);
    expect(JSON.parse(await readFile(join(dir, TOKENS_FILE), 'utf8'))).toEqual({ admin: first.token });
  });

  it('comes from NIGHTSHIFT_ADMIN_TOKEN when it is set, and nothing is written', async () => {
    // Act
    const chosen = await localAdminToken(dir, 'mine');

    // Assess
    expect(chosen).toEqual({ token: 'mine', source: 'environment' });
    await expect(stat(join(dir, TOKENS_FILE))).rejects.toThrow(/ENOENT/);
  });

  it('narrows a widened file back to 0600, and names a broken one', async () => {
    // Prepare
    await writeFile(join(dir, TOKENS_FILE), '{"admin":"nsa_kept"}');
    await chmod(join(dir, TOKENS_FILE), 0o644);
    const broken = await mkdtemp(join(tmpdir(), 'nightshift-broken-'));
    await writeFile(join(broken, TOKENS_FILE), '{"admin":');

    // Act
    const kept = await localAdminToken(dir, undefined);
    const reading = localAdminToken(broken, undefined).finally(() => rm(broken, { recursive: true, force: true }));

    // Assess
    expect(kept.token).toBe('nsa_kept');
    expect((await stat(join(dir, TOKENS_FILE))).mode & 0o777).toBe(0o600);
    await expect(reading).rejects.toThrow(`${join(broken, TOKENS_FILE)} is not valid JSON`);
  });
});

describe('the instance lock', () => {
  it('lets one local cloud hold a data dir, names it to a second, and is gone once released', async () => {
    // Prepare
    const lock = await acquireInstanceLock(dir, new Date('2026-11-23T10:00:00.000Z'));
    await lock.update({ url: 'http://127.0.0.1:3000', emulatorPids: [] });

    // Act
    const second = acquireInstanceLock(dir);
    await expect(second).rejects.toBeInstanceOf(DataDirInUseError);
    const refusal = await second.catch((error: Error) => error.message);
    await lock.release();
    const afterRelease = await acquireInstanceLock(dir);

    // Assess
    expect(refusal).toContain(`another local cloud is running on ${dir}: http://127.0.0.1:3000, pid ${process.pid}, since 2026-11-23T10:00:00.000Z`);
    expect(afterRelease.tookOver).toBeUndefined();
    await afterRelease.release();
    await expect(stat(join(dir, LOCK_FILE))).rejects.toThrow(/ENOENT/);
  });

  it('takes over a lock whose process is gone, and says so', async () => {
    // Prepare
    const gone = deadPid();
    await writeFile(join(dir, LOCK_FILE), JSON.stringify({ pid: gone, startedAt: '2026-11-23T09:00:00.000Z', url: 'http://127.0.0.1:3000', emulatorPids: [gone] }));

    // Act
    const lock = await acquireInstanceLock(dir);

    // Assess
    expect(lock.tookOver).toBe(`the local cloud that held ${dir} (pid ${gone}) is gone without stopping`);
    expect(JSON.parse(await readFile(join(dir, LOCK_FILE), 'utf8'))).toMatchObject({ pid: process.pid });
    await lock.release();
  });
});
