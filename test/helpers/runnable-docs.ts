import { spawn } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';

/**
 * A fenced shell block of the docs that a test runs: ```` ```sh setup ```` (sets the shell up, as
 * a reader does once in a second terminal) or ```` ```sh runnable ```` (an example, run after it).
 */
export interface ShellBlock {
  kind: 'setup' | 'runnable';
  /** `README.md:52`: where the block starts, for the failure message. */
  where: string;
  code: string;
}

const FENCE = /^```sh (setup|runnable)\s*$/;

/** Every marked block of README.md and docs/*.md under `root`, in reading order. */
export async function shellBlocks(root: string): Promise<ShellBlock[]> {
  const docs = (await readdir(join(root, 'docs'))).filter((name) => name.endsWith('.md')).sort();
  const files = [join(root, 'README.md'), ...docs.map((name) => join(root, 'docs', name))];
  const blocks: ShellBlock[] = [];
  for (const file of files) {
    const lines = (await readFile(file, 'utf8')).split('\n');
    for (let index = 0; index < lines.length; index += 1) {
      const fence = FENCE.exec(lines[index]!);
      if (!fence) continue;
      const end = lines.indexOf('```', index + 1);
      if (end < 0) throw new Error(`${relative(root, file)}:${index + 1}: the block is never closed`);
      blocks.push({ kind: fence[1] as ShellBlock['kind'], where: `${relative(root, file)}:${index + 1}`, code: lines.slice(index + 1, end).join('\n') });
      index = end;
    }
  }
  return blocks;
}

export interface ShellResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `script` with bash, stopping at the first failing command (`set -eo pipefail`). */
export function runShell(script: string, options: { cwd: string; env: NodeJS.ProcessEnv; timeoutMs: number }): Promise<ShellResult> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', ['-c', `set -eo pipefail\n${script}`], { cwd: options.cwd, env: options.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs);
    child.once('error', reject);
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** The variables a setup block exports: run it, then print the environment NUL-separated. */
export async function exportsOf(script: string, options: { cwd: string; env: NodeJS.ProcessEnv; timeoutMs: number }): Promise<Record<string, string>> {
  const result = await runShell(`${script}\nenv -0`, options);
  if (result.code !== 0) throw new Error(`the setup block failed (${result.code}): ${result.stderr}`);
  const after = Object.fromEntries(
    result.stdout
      .split('\0')
      .filter((entry) => entry.includes('='))
      .map((entry) => [entry.slice(0, entry.indexOf('=')), entry.slice(entry.indexOf('=') + 1)]),
  );
  return Object.fromEntries(Object.entries(after).filter(([name, value]) => options.env[name] !== value && name !== '_' && name !== 'SHLVL' && name !== 'PWD' && name !== 'OLDPWD'));
}
