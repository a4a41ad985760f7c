import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { projectRoot } from '../constructs/job-function';

/** What a synth reads: change any of it and the cached assembly is not used. */
const SYNTH_INPUTS = ['functions', 'infra', 'layers', 'console', 'nightshift.config.ts', 'cdk.json', 'package-lock.json'];
const CACHE_ROOT = join(projectRoot, 'node_modules', '.cache', 'nightshift-rehearse');

/** A hash of every synth input (the rehearsal's own folder excluded: it is not part of the app). */
export function synthInputsHash(): string {
  const hash = createHash('sha256');
  const visit = (path: string): void => {
    if (!existsSync(path)) return;
    if (statSync(path).isDirectory()) {
      for (const entry of readdirSync(path).sort()) {
        if (entry === 'node_modules' || entry === 'rehearse') continue;
        visit(join(path, entry));
      }
      return;
    }
    hash.update(relative(projectRoot, path)).update('\0').update(readFileSync(path)).update('\0');
  };
  for (const input of SYNTH_INPUTS) visit(join(projectRoot, input));
  return hash.digest('hex').slice(0, 16);
}

/**
 * The cloud assembly of the current sources: synthesized once per change of them (`synth`
 * writes into the directory it is given), kept under node_modules/.cache so a second rehearsal
 * of the same code (npm test after npm run rehearse, in CI) does not synthesize again.
 */
export function cachedAssembly(synth: (outdir: string) => void, log: (line: string) => void = () => {}): string {
  const directory = join(CACHE_ROOT, synthInputsHash());
  if (existsSync(join(directory, 'manifest.json'))) {
    log(`using the cloud assembly synthesized for these sources: ${directory}`);
    return directory;
  }
  const partial = `${directory}.partial-${process.pid}`;
  rmSync(partial, { recursive: true, force: true });
  mkdirSync(CACHE_ROOT, { recursive: true });
  synth(partial);
  rmSync(directory, { recursive: true, force: true });
  renameSync(partial, directory);
  return directory;
}

/** `cdk synth`, the CLI with cdk.json's app and context (cdk-nag included), into `outdir`. */
export function cdkSynth(outdir: string): void {
  const synth = spawnSync('npx', ['cdk', 'synth', '--quiet', '--output', outdir], { cwd: projectRoot, stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, CDK_DISABLE_VERSION_CHECK: '1' } });
  if (synth.status !== 0) throw new Error(`cdk synth --output ${outdir} failed (exit ${String(synth.status)})`);
}
