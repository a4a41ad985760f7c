import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { loadManifestFile, type ScriptManifest } from '../../functions/jobs/script-run/manifest';
import { createScriptRunJob } from '../../functions/jobs/script-run/script-run-run';
import type { ScriptRunParams } from '../../functions/jobs/script-run/params';
import type { JobDefinition } from '../../functions/core/jobs/definition';
import type { NightshiftConfig } from '../../functions/core/config';
import { testConfig } from './jobs';

export const fixtureScriptsDir = resolve('test/fixtures/scripts');

/** The test-only whitelist (echo-args, exit-code, stubborn, flood, sleeper). */
export function fixtureManifest(): ScriptManifest {
  return loadManifestFile(resolve(fixtureScriptsDir, 'manifest.json'), fixtureScriptsDir);
}

/** The script runner over the test-only whitelist, scripts finding python3 where this process does. */
export function fixtureScriptJob(): JobDefinition<ScriptRunParams> {
  return createScriptRunJob(fixtureManifest(), process.env['PATH'] ?? '/usr/local/bin:/usr/bin:/bin');
}

/** Test config with fast kills and a small output cap. */
export function scriptTestConfig(scripts: Partial<NightshiftConfig['scripts']> = {}): NightshiftConfig {
  return testConfig({ scripts: { killGraceMs: 300, outputCapBytes: 64 * 1024, ...scripts } });
}

/**
 * Whether a process still runs. A killed process whose parent is gone may linger as a zombie
 * until PID 1 reaps it (a container's init may never do so); a zombie runs nothing, so it
 * counts as gone.
 */
export function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    return state !== 'Z' && state !== 'X';
  } catch {
    return false;
  }
}
