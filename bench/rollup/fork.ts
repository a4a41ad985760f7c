import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { WorkerReport } from './shared';

const WORKER = fileURLToPath(new URL('./worker.ts', import.meta.url));

export interface WorkerOptions {
  /** Write a V8 CPU profile of the worker into this directory (`node --cpu-prof`). */
  cpuProfileDir?: string;
}

/** Runs one phase in a fresh Node process (with the tsx loader) and resolves to its report. */
export function runInWorker<R>(phase: string, input: unknown, options: WorkerOptions = {}): Promise<WorkerReport<R>> {
  const execArgv = [...process.execArgv];
  if (!execArgv.includes('tsx')) execArgv.push('--import', 'tsx');
  if (options.cpuProfileDir !== undefined) execArgv.push('--cpu-prof', `--cpu-prof-dir=${options.cpuProfileDir}`);
  const child = fork(WORKER, [phase, JSON.stringify(input)], {
    execArgv,
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', POWERTOOLS_LOG_LEVEL: 'SILENT' },
  });
  return new Promise((resolve, reject) => {
    let report: WorkerReport<R> | undefined;
    child.on('message', (message) => {
      report = message as WorkerReport<R>;
    });
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      if (report !== undefined && code === 0) resolve(report);
      else reject(new Error(`phase "${phase}" worker ended with ${signal ?? `exit code ${String(code)}`} and no report`));
    });
  });
}
