import { spawn } from 'node:child_process';
import type { Readable } from 'node:stream';

export interface ProcessSpec {
  command: string;
  argv: readonly string[];
  cwd: string;
  env: Readonly<Record<string, string>>;
  /** SIGTERM to the group after this long, SIGKILL `graceMs` later. */
  timeoutMs: number;
  graceMs: number;
  /** Aborted: SIGKILL to the group at once (the run is already being closed). */
  signal: AbortSignal;
  onOutput(stdout: Readable, stderr: Readable): void;
}

export type ProcessEnd =
  | { kind: 'exited'; exitCode: number }
  /** Killed by a signal nobody here sent: a crash, the OOM killer, an operator's `kill`. */
  | { kind: 'signaled'; signal: NodeJS.Signals }
  | { kind: 'timed_out'; escalated: boolean; exitCode: number | null; signal: NodeJS.Signals | null }
  | { kind: 'aborted' }
  | { kind: 'spawn_failed'; message: string };

/**
 * Runs one process as the leader of its own process group (no shell, stdin closed) and resolves
 * once it has ended and its output streams have closed. Whatever the ending, the whole group
 * gets a SIGKILL afterwards, so nothing the script started outlives it (a grandchild that called
 * setsid() itself is out of reach; in Lambda the sandbox ends it).
 */
export function runProcessGroup(spec: ProcessSpec): Promise<ProcessEnd> {
  return new Promise((resolve) => {
    let timedOut = false;
    let escalated = false;
    let aborted = false;
    const timers: NodeJS.Timeout[] = [];
    const child = spawn(spec.command, [...spec.argv], {
      cwd: spec.cwd,
      env: spec.env,
      shell: false,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const killGroup = (signal: NodeJS.Signals) => {
      if (child.pid === undefined) return;
      try {
        process.kill(-child.pid, signal);
      } catch (error) {
        // ESRCH: the group is already gone.
        if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
      }
    };
    const onAbort = () => {
      aborted = true;
      killGroup('SIGKILL');
    };

    let exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
    let spawnError: Error | undefined;
    let streamsOpen = 2;
    const settle = () => {
      if (streamsOpen > 0 || (!exit && !spawnError)) return;
      for (const timer of timers) clearTimeout(timer);
      spec.signal.removeEventListener('abort', onAbort);
      if (spawnError && !exit) return resolve({ kind: 'spawn_failed', message: spawnError.message });
      const { code, signal } = exit!;
      if (aborted) return resolve({ kind: 'aborted' });
      if (timedOut) return resolve({ kind: 'timed_out', escalated, exitCode: code, signal });
      if (signal) return resolve({ kind: 'signaled', signal });
      resolve({ kind: 'exited', exitCode: code ?? 0 });
    };

    child.once('error', (error) => {
      spawnError = error;
      // No process: its pipes will never see data, so do not wait for them.
      if (child.pid === undefined) streamsOpen = 0;
      settle();
    });
    child.once('exit', (code, signal) => {
      exit = { code, signal };
      killGroup('SIGKILL');
      settle();
    });
    for (const stream of [child.stdout, child.stderr]) {
      stream.once('close', () => {
        streamsOpen -= 1;
        settle();
      });
    }
    spec.onOutput(child.stdout, child.stderr);

    if (spec.signal.aborted) onAbort();
    else spec.signal.addEventListener('abort', onAbort, { once: true });
    timers.push(
      setTimeout(() => {
        if (exit) return;
        timedOut = true;
        killGroup('SIGTERM');
        timers.push(
          setTimeout(() => {
            if (exit) return;
            escalated = true;
            killGroup('SIGKILL');
          }, spec.graceMs),
        );
      }, spec.timeoutMs),
    );
  });
}
