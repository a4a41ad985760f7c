/**
 * The child process each measured phase runs in, so peak RSS figures never mix between phases:
 * `worker.ts <phase> <input JSON>`; the report goes back over IPC (or to stdout without IPC).
 */
import { readFileSync } from 'node:fs';
import type { RssFigures, WorkerReport } from './shared';

type PhaseRunner = (input: unknown) => Promise<unknown>;

const phases: Record<string, () => Promise<PhaseRunner>> = {
  /** Nothing: the RSS of a Node + tsx worker before any phase loads its modules. */
  idle: async () => async () => ({}),
  ours: async () => (await import('./phase-ours')).runOurs as PhaseRunner,
  floor: async () => (await import('./phase-floor')).runFloor as PhaseRunner,
  duckdb: async () => (await import('./phase-duckdb')).runDuckDb as PhaseRunner,
  amplification: async () => (await import('./phase-amplification')).runAmplification as PhaseRunner,
};

/** The process's own high-water mark. Linux VmHWM belongs to this process image alone; getrusage's
 * maxRSS can carry the parent's size over a fork. */
function peakRssBytes(): number {
  try {
    const match = /^VmHWM:\s+(\d+)\s+kB/m.exec(readFileSync('/proc/self/status', 'utf8'));
    if (match?.[1] !== undefined) return Number(match[1]) * 1024;
  } catch {
    // Not Linux: fall back below.
  }
  return process.resourceUsage().maxRSS * 1024;
}

async function main(): Promise<void> {
  const [phase = '', inputJson = '{}'] = process.argv.slice(2);
  const load = Object.hasOwn(phases, phase) ? phases[phase] : undefined;
  if (load === undefined) throw new Error(`unknown phase "${phase}" (known: ${Object.keys(phases).join(', ')})`);

  let sampledPeakBytes = process.memoryUsage.rss();
  const sampler = setInterval(() => {
    sampledPeakBytes = Math.max(sampledPeakBytes, process.memoryUsage.rss());
  }, 10);
  sampler.unref();

  const run = await load();
  const cpuBefore = process.cpuUsage();
  const result = await run(JSON.parse(inputJson) as unknown);
  const cpu = process.cpuUsage(cpuBefore);
  clearInterval(sampler);
  sampledPeakBytes = Math.max(sampledPeakBytes, process.memoryUsage.rss());
  const rss: RssFigures = { peakBytes: Math.max(peakRssBytes(), sampledPeakBytes), sampledPeakBytes };
  const report: WorkerReport<unknown> = { result, rss, cpuSeconds: (cpu.user + cpu.system) / 1e6 };

  if (process.send === undefined) {
    process.stdout.write(`${JSON.stringify(report)}\n`);
    return;
  }
  await new Promise<void>((resolve, reject) => process.send?.(report, undefined, {}, (error) => (error ? reject(error) : resolve())));
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`worker failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
