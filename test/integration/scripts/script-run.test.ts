import { readdirSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { executeRun } from '../../../functions/core/jobs/execute-run';
import type { JobDependencies } from '../../../functions/core/jobs/definition';
import type { JobRecord } from '../../../functions/core/jobs/record';
import { newJob, testDependencies } from '../../helpers/jobs';
import { createTestStorage, type TestStorage } from '../../helpers/storage';
import { fixtureScriptJob, isRunning, scriptTestConfig } from '../../helpers/scripts';

const job = fixtureScriptJob();
const ROOMY = { remainingMs: 60_000, marginMs: 1_000 };

describe('script runs (real child processes)', () => {
  let storage: TestStorage;
  let deps: JobDependencies;

  beforeAll(async () => {
    storage = await createTestStorage('script-run');
    deps = testDependencies(storage, { config: scriptTestConfig() });
  });

  afterAll(async () => {
    await storage.destroy();
  });

  async function run(params: Record<string, unknown>, limits = ROOMY): Promise<JobRecord> {
    const queued = await deps.ledger.enqueue(newJob({ type: 'script-run', params }, deps.clock));
    return executeRun(job, queued, deps, limits);
  }

  it('succeeds, streams stdout and stderr to artifacts and stores output files', async () => {
    // Act
    const finished = await run({ script: 'echo-args', args: { label: 'hello world', loud: true, text: 'positional' } });

    // Assess
    expect(finished.status).toBe('succeeded');
    expect(finished.exitCode).toBe(0);
    const names = finished.artifacts.map((a) => a.name).sort();
    expect(names).toEqual(['output/args.json', 'stderr.log', 'stdout.log']);
    const stdout = await storage.artifactStore.getText(`scripts/${finished.id}/stdout.log`);
    const report = JSON.parse(stdout) as { argv: string[]; env: string[]; home: string; cwd: string };
    expect(report.argv).toEqual(['--label', 'hello world', '--count', '2', '--loud', '--', 'positional']);
    expect(await storage.artifactStore.getText(`scripts/${finished.id}/output/args.json`)).toBe(stdout.trim());
    expect(await storage.artifactStore.getText(`scripts/${finished.id}/stderr.log`)).toBe('echo-args: done\n');
    expect(finished.summary).toMatchObject({ script: 'echo-args', stdout: { truncated: false }, outputFiles: ['output/args.json'] });
    expect(finished.logs).toContain('echo-args: done');
  });

  it('gives the script a minimal environment and a private working directory', async () => {
    // Act: the runner's own environment (credentials, tokens, this test process's variables) must
    // never reach a script; the exact list below leaves no room for any of it.
    const finished = await run({ script: 'echo-args', args: {} });

    // Assess
    const report = JSON.parse(await storage.artifactStore.getText(`scripts/${finished.id}/stdout.log`)) as { env: string[]; home: string; cwd: string };
    expect(report.env.filter((name) => !['LC_CTYPE', 'PWD', 'SHLVL', '_'].includes(name))).toEqual([
      'HOME', 'LANG', 'LC_ALL', 'NIGHTSHIFT_JOB_ID', 'NIGHTSHIFT_METRICS', 'NIGHTSHIFT_OUTPUT_DIR', 'NIGHTSHIFT_SCRIPT',
      'NIGHTSHIFT_TIMEZONE', 'PATH', 'PYTHONDONTWRITEBYTECODE', 'PYTHONUNBUFFERED', 'TMPDIR',
    ]);
    expect(report.cwd).toBe(report.home);
    expect(report.cwd).toContain(`nightshift-script-${finished.id}-`);
  });

  it('passes shell metacharacters literally, as single argv entries', async () => {
    // Act
    const hostile = ["'; rm -rf / #", '$(id)', '`id` && echo pwned | cat > /tmp/x'] as const;
    const finished = await run({ script: 'echo-args', args: { label: hostile[0], text: hostile[1] } });
    const second = await run({ script: 'echo-args', args: { label: hostile[2].slice(0, 40) } });

    // Assess
    const argv = (id: string) => storage.artifactStore.getText(`scripts/${id}/stdout.log`).then((text) => (JSON.parse(text) as { argv: string[] }).argv);
    expect(await argv(finished.id)).toEqual(['--label', hostile[0], '--count', '2', '--', hostile[1]]);
    expect(await argv(second.id)).toEqual(['--label', hostile[2].slice(0, 40), '--count', '2']);
  });

  it('fails with the exit code of a script that exits non-zero', async () => {
    // Act
    const finished = await run({ script: 'exit-code', args: { code: 3 } });

    // Assess
    expect(finished.status).toBe('failed');
    expect(finished.exitCode).toBe(3);
    expect(finished.error).toEqual({ code: 'script_failed', message: 'exit-code exited with code 3' });
    expect(finished.logs).toContain('exit-code: leaving with 3');
    expect(await storage.artifactStore.getText(`scripts/${finished.id}/stderr.log`)).toBe('exit-code: leaving with 3\n');
  });

  it('kills a script that ignores SIGTERM after the grace period, grandchild included, and ends timed_out', async () => {
    // Act
    const started = Date.now();
    // 2 s: time for Python to start and set its SIGTERM trap even on a loaded machine.
    const finished = await run({ script: 'stubborn', args: {}, timeoutMs: 2_000 });
    const elapsed = Date.now() - started;

    // Assess
    expect(finished.status).toBe('timed_out');
    expect(finished.error?.code).toBe('script_timeout');
    expect(finished.error?.message).toContain('SIGKILL after the 300 ms grace');
    expect(elapsed).toBeGreaterThanOrEqual(2_300);
    expect(elapsed).toBeLessThan(10_000);
    const grandchild = Number(/grandchild=(\d+)/.exec(finished.logs ?? '')?.[1]);
    expect(grandchild).toBeGreaterThan(0);
    expect(isRunning(grandchild)).toBe(false);
  });

  it('keeps the output up to the cap, drops the rest and says so', async () => {
    // Act: 200 KiB against a 64 KiB cap.
    const finished = await run({ script: 'flood', args: { bytes: 200 * 1024 } });

    // Assess
    expect(finished.status).toBe('warning');
    expect(finished.exitCode).toBe(0);
    const stdout = finished.artifacts.find((a) => a.name === 'stdout.log');
    expect(stdout?.size).toBe(64 * 1024);
    expect(finished.summary).toMatchObject({
      stdout: { bytes: 200 * 1024, storedBytes: 64 * 1024, truncated: true },
      outputDropped: [`stdout: ${136 * 1024} bytes past the cap were dropped`],
    });
    expect((finished.summary?.['stdout'] as { tail: string }).tail).toHaveLength(4096);
    expect(finished.logs).toContain('passed the output cap');
  });

  it('records a script killed from outside as failed with the signal, not running', async () => {
    // Prepare: the sleeper prints its pid first; kill -9 it as soon as it shows.
    const queued = await deps.ledger.enqueue(newJob({ type: 'script-run', params: { script: 'sleeper', args: { ms: 8000 } } }, deps.clock));
    const running = executeRun(job, queued, deps, ROOMY);
    let pid: number | undefined;
    for (let i = 0; i < 100 && pid === undefined; i++) {
      await new Promise((r) => setTimeout(r, 50));
      pid = findPid(`sleeper.py`);
    }
    expect(pid).toBeDefined();

    // Act
    process.kill(pid!, 'SIGKILL');
    const finished = await running;

    // Assess
    expect(finished.status).toBe('failed');
    expect(finished.error).toEqual({ code: 'script_killed', message: 'sleeper was killed by SIGKILL' });
    expect((await deps.ledger.get(finished.id))?.status).toBe('failed');
  });

  it('kills the process group at once when the run deadline aborts it', async () => {
    // Prepare: a run whose Lambda has little time left: the deadline comes before the script ends.
    const limits = { remainingMs: 1_500, marginMs: 500 };

    // Act
    const finished = await run({ script: 'stubborn', args: {} }, limits);

    // Assess
    expect(finished.status).toBe('timed_out');
    await new Promise((r) => setTimeout(r, 200));
    expect(findPid('stubborn.py')).toBeUndefined();
  });
});

/** The pid of a running process whose command line mentions `needle` (children of this test only). */
function findPid(needle: string): number | undefined {
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8');
      if (cmdline.includes(`test/fixtures/scripts/${needle}`) && isRunning(Number(entry))) return Number(entry);
    } catch {
      // gone meanwhile
    }
  }
  return undefined;
}
