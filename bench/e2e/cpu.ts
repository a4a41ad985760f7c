import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

/** CPU seconds used so far by this process and by each emulator process, by name. */
export type CpuReading = Record<string, number>;

const CLOCK_TICKS_PER_SECOND = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());

/** utime + stime of a process, from /proc (Linux); fields after the command's closing parenthesis. */
function processCpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_SECOND;
}

/**
 * Where a phase's CPU went: the benchmark's own process (the functions run in it) and each
 * emulator. CPU seconds move far less with the machine's load than wall time does, so
 * events ÷ (CPU seconds ÷ cores) bounds what the same work could reach on an idle machine.
 */
export function readCpu(emulatorPids: Readonly<Record<string, number>>): CpuReading {
  const own = process.cpuUsage();
  const reading: CpuReading = { nightshift: (own.user + own.system) / 1e6 };
  for (const [name, pid] of Object.entries(emulatorPids)) reading[name] = processCpuSeconds(pid);
  return reading;
}

export function cpuSince(before: CpuReading, emulatorPids: Readonly<Record<string, number>>): CpuReading {
  const now = readCpu(emulatorPids);
  return Object.fromEntries(Object.entries(now).map(([name, seconds]) => [name, seconds - (before[name] ?? 0)]));
}
