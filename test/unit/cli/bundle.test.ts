import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleIsFresh } from '../../../bin/fresh-bundle.mjs';
import { buildCli, type CliManifest } from '../../../cli/build';
import { FakeApi } from '../../helpers/fake-api';

const ROOT = pathToFileURL(`${resolve(import.meta.dirname, '../../..')}/`);

/** `node <bundle> …args` with the API's URL and a token; what it printed and its exit code. */
async function runBundle(entry: string, args: string[], env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [entry, ...args], { env: { ...process.env, NIGHTSHIFT_TIMEZONE: '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const [code] = (await once(child, 'exit')) as [number | null];
  return { code, stdout, stderr };
}

describe('the compiled CLI (cli/build.ts) and the check the bin makes before running it', () => {
  const api = new FakeApi();
  let dir: string;
  let dist: URL;

  beforeAll(async () => {
    api.route('GET /metrics', () => ({ status: 200, body: { timezone: 'America/Los_Angeles', weekStartsOn: 'monday', metrics: [], ratios: [], dimensions: [] } }));
    api.route('GET /jobs', () => ({
      status: 200,
      body: { items: [{ id: '01KAZ3Q0M8W1Y2X3V4T5S6R7P8', type: 'rollup', status: 'succeeded', trigger: 'debounce', params: {}, createdAt: '2026-11-23T10:00:00.000Z', durationMs: 1200, summary: { events: 1234, hoursRecomputed: 24 }, artifacts: [], triggeredBy: 'ingest', expiresAt: 1 }], nextCursor: null },
    }));
    await api.start();
    dir = await mkdtemp(join(tmpdir(), 'nightshift-cli-bundle-'));
    await buildCli(dir);
    dist = pathToFileURL(`${dir}/`);
  }, 60_000);

  afterAll(async () => {
    await api.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('runs on its own: a command loads its chunk, talks to the API and shows times in the business zone', async () => {
    // Act
    const list = await runBundle(join(dir, 'nightshift.mjs'), ['jobs', 'list'], { NIGHTSHIFT_URL: api.url, NIGHTSHIFT_TOKEN: 't' });
    const help = await runBundle(join(dir, 'nightshift.mjs'), ['--help'], {});

    // Assess
    expect(list.stderr).toBe('');
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(/01KAZ3Q0M8W1Y2X3V4T5S6R7P8\s+rollup\s+succeeded\s+debounce\s+2026-11-23 02:00:00 -08:00\s+1\.2 s\s+ingest\s+1,234 events in 24 hours/);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('  mcp ');
  });

  it('is fresh when built from the sources as they are, and stale when a source changed since, is gone, or there is no manifest', async () => {
    // Prepare
    const manifest = JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8')) as CliManifest;
    const variant = async (changed: Partial<CliManifest>): Promise<URL> => {
      const other = await mkdtemp(join(dir, 'variant-'));
      await writeFile(join(other, 'manifest.json'), JSON.stringify({ ...manifest, ...changed }));
      return pathToFileURL(`${other}/`);
    };

    // Act
    const fresh = bundleIsFresh(dist, ROOT);
    const editedSince = bundleIsFresh(await variant({ sourcesAsOf: 0 }), ROOT);
    const sourceGone = bundleIsFresh(await variant({ inputs: [...manifest.inputs, 'cli/no-such-file.ts'] }), ROOT);
    const noManifest = bundleIsFresh(pathToFileURL(`${await mkdtemp(join(dir, 'empty-'))}/`), ROOT);

    // Assess
    expect(manifest.inputs).toEqual(expect.arrayContaining(['cli/main.ts', 'cli/commands/jobs.ts', 'functions/client/api-client.ts', 'package-lock.json']));
    expect(manifest.inputs.some((path) => path.includes('node_modules'))).toBe(false);
    expect(fresh).toBe(true);
    expect(editedSince).toBe(false);
    expect(sourceGone).toBe(false);
    expect(noManifest).toBe(false);
  });
});
