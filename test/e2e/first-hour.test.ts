import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { once } from 'node:events';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DateTime } from 'luxon';
import { isAlive, startLocalCloudProcess, type LocalCloudProcess } from '../helpers/local-cloud-process';
import { runCli } from '../helpers/fake-api';

const ROOT = resolve(import.meta.dirname, '../..');

/** Running, and not a zombie nobody has reaped (a killed orphan's state here is Z). */
function running(pid: number): boolean {
  if (!isAlive(pid)) return false;
  try {
    return !/^State:\s+Z/m.test(readFileSync(`/proc/${pid}/status`, 'utf8'));
  } catch {
    return false;
  }
}

async function waitFor<T>(what: string, probe: () => T | undefined, timeoutMs = 20_000): Promise<T> {
  for (const until = Date.now() + timeoutMs; ; await new Promise((done) => setTimeout(done, 200))) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
  }
}

/**
 * A new user's first hour, on one data directory: their own config from `nightshift init` in a
 * folder outside the repository, an empty start (no demo with an own config) with a generated admin token, a
 * second start refused, a crash (kill -9) and a start after it on a port that is taken.
 */
describe('the first hour with the local cloud (own config, so no demo)', () => {
  let dataDir: string;
  let configDir: string;
  let configFile: string;
  let first: LocalCloudProcess;
  let token: string;

  beforeAll(async () => {
    [dataDir, configDir] = await Promise.all([mkdtemp(join(tmpdir(), 'nightshift-first-hour-')), mkdtemp(join(tmpdir(), 'nightshift-own-config-'))]);
    configFile = join(configDir, 'nightshift.config.ts');
    await runCli(['init', configDir]);
    // No NIGHTSHIFT_ADMIN_TOKEN: the local cloud generates one and keeps it.
    // Own config, no flag: no demo shop mixed into the user's data.
    first = await startLocalCloudProcess({ dataDir, args: ['--config', configFile], env: { NIGHTSHIFT_ADMIN_TOKEN: '' } });
    token = (JSON.parse(await readFile(join(dataDir, 'tokens.json'), 'utf8')) as { admin: string }).admin;
  }, 90_000);

  afterAll(async () => {
    if (first && first.child.exitCode === null) await first.stop('SIGKILL');
    await Promise.all([rm(dataDir, { recursive: true, force: true }), rm(configDir, { recursive: true, force: true })]);
  });

  it('keeps the generated admin token in the data dir (mode 0600) and says where', async () => {
    // Act
    const me = await first.request('/me', { token });
    const mode = (await stat(join(dataDir, 'tokens.json'))).mode & 0o777;

    // Assess
    expect(me.status).toBe(200);
    expect(mode).toBe(0o600);
    expect(first.output).toContainEqual(`  Admin token  ${token}   (generated, kept in ${join(dataDir, 'tokens.json')}; NIGHTSHIFT_ADMIN_TOKEN overrides it)`);
    expect(first.output.filter((line) => line.startsWith('Demo data:'))).toEqual([]);
  });

  it('refuses a second local cloud on the same data dir, naming the running one', async () => {
    // Act
    const second = spawn(process.execPath, ['--import', 'tsx', 'infra/local/main.ts', '--port', '0', '--data-dir', dataDir, '--no-demo', '--config', configFile], {
      cwd: ROOT,
      env: { ...process.env, NIGHTSHIFT_ADMIN_TOKEN: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    second.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    second.stdout.resume();
    const [code] = (await once(second, 'exit')) as [number | null];

    // Assess
    expect(code).toBe(1);
    expect(stderr).toContain(`another local cloud is running on ${dataDir}: ${first.ready.apiUrl}, pid ${first.child.pid}`);
  }, 30_000);

  it('prints one readable line per run, catches up nothing before the first start (the sweep has nothing to do), and runs the own config\'s schedule', async () => {
    // Prepare
    const yesterday = DateTime.now().setZone(Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC').minus({ days: 1 }).toISODate();

    // Act
    const sweep = await first.request('/jobs', { method: 'POST', body: { type: 'sweeper' }, token });
    const proof = await first.request('/jobs', { method: 'POST', body: { type: 'sampling-proof', period: yesterday }, token });
    const snapshot = await runCli(['run', 'snapshot-daily'], { url: first.ready.apiUrl, token });
    const lineOf = (id: string) => waitFor(`the line of run ${id}`, () => first.output.find((line) => line.endsWith(`  ${id}`)));
    const snapshotId = /run (\w{26})/.exec(snapshot.stdout)?.[1] ?? '';
    const [sweepLine, proofLine, snapshotLine] = await Promise.all([lineOf(sweep.body.job.id), lineOf(proof.body.job.id), lineOf(snapshotId)]);

    // Assess
    expect(sweepLine).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d [+-]\d\d:\d\d–\d\d:\d\d:\d\d sweeper +- +succeeded +\d+\.\d s {2}nothing to do {2}/);
    expect(proofLine).toMatch(new RegExp(`sampling-proof ${yesterday} succeeded .* skipped: no events are stored yet; ${yesterday} has nothing to prove`));
    expect(snapshot.code).toBe(0);
    expect(snapshotLine).toMatch(new RegExp(`snapshot +${yesterday} (succeeded|warning) `));
    expect(first.output.filter((line) => line.startsWith('{'))).toEqual([]);
  }, 60_000);

  it('takes the data dir over after kill -9, stops the emulators left behind, keeps the token, and says the asked port was taken', async () => {
    // Prepare: the first local cloud dies without stopping; a port is taken by another program.
    const orphan = first.ready.pids.dynamodb;
    first.child.kill('SIGKILL');
    await once(first.child, 'exit').catch(() => undefined);
    const squatter = createServer().listen(0, '127.0.0.1');
    await once(squatter, 'listening');
    const taken = (squatter.address() as AddressInfo).port;

    // Act
    const after = await startLocalCloudProcess({ dataDir, args: ['--no-demo', '--config', configFile, '--port', String(taken)], env: { NIGHTSHIFT_ADMIN_TOKEN: '' } });
    try {
      const me = await after.request('/me', { token });

      // Assess
      expect(after.output).toContainEqual(expect.stringContaining(`  Note         the local cloud that held ${dataDir} (pid ${first.child.pid}) is gone without stopping`));
      expect(running(orphan)).toBe(false);
      expect(after.ready.apiUrl).not.toBe(`http://127.0.0.1:${taken}`);
      expect(after.output).toContainEqual(`  API          ${after.ready.apiUrl}   (port ${taken} is taken by another program, so a free one is used)`);
      expect(me.status).toBe(200);
    } finally {
      squatter.close();
      await after.stop('SIGINT');
    }
    await expect(stat(join(dataDir, 'nightshift.lock'))).rejects.toThrow(/ENOENT/);
  }, 90_000);
});
