import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
  hitCount?: number;
  children?: number[];
  positionTicks?: Array<{ line: number; ticks: number }>;
}

interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples?: number[];
}

function shortUrl(url: string): string {
  const cut = url.replace(/^file:\/\//, '');
  const at = cut.lastIndexOf('/functions/');
  if (at >= 0) return cut.slice(at + 1);
  const modules = cut.lastIndexOf('/node_modules/');
  if (modules >= 0) return cut.slice(modules + 1);
  return cut === '' ? '(native)' : cut.replace(/^.*\//, '');
}

function frameName(node: ProfileNode): string {
  const { functionName, url, lineNumber } = node.callFrame;
  // Line 1 is all there is of tsx's whitespace-minified code: not worth printing.
  return `${functionName === '' ? '(anonymous)' : functionName} ${shortUrl(url)}${url === '' || lineNumber === 0 ? '' : `:${lineNumber + 1}`}`;
}

/** Samples that are not the idle loop: the main thread's profile has far more than the loader thread's. */
function busySamples(profile: CpuProfile): number {
  return profile.nodes.reduce((total, node) => total + (node.callFrame.functionName === '(idle)' ? 0 : (node.hitCount ?? 0)), 0);
}

/**
 * The hottest functions of the phase's `.cpuprofile` in `dir`: self time by function, and the
 * inclusive time of the rollup's functions. By function only: tsx hands V8 whitespace-minified
 * code, so the profile's line numbers say nothing about the source.
 */
export async function summarizeProfile(dir: string, top = 25): Promise<string[]> {
  // One file per thread (tsx's loader hooks run in a thread of their own): the busiest is the phase.
  const names = (await readdir(dir)).filter((name) => name.endsWith('.cpuprofile'));
  let path: string | undefined;
  let profile: CpuProfile | undefined;
  for (const name of names) {
    const candidate = JSON.parse(await readFile(join(dir, name), 'utf8')) as CpuProfile;
    if (profile === undefined || busySamples(candidate) > busySamples(profile)) {
      profile = candidate;
      path = join(dir, name);
    }
  }
  if (profile === undefined || path === undefined) return [`no .cpuprofile in ${dir}`];
  const totalSamples = profile.nodes.reduce((total, node) => total + (node.hitCount ?? 0), 0);
  const msPerSample = (profile.endTime - profile.startTime) / 1000 / Math.max(1, totalSamples);
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));

  const self = new Map<string, number>();
  for (const node of profile.nodes) self.set(frameName(node), (self.get(frameName(node)) ?? 0) + (node.hitCount ?? 0));

  // Inclusive samples per function, counting a function once per stack even when it recurses.
  const inclusive = new Map<string, number>();
  const walk = (id: number, onStack: ReadonlySet<string>): number => {
    const node = byId.get(id);
    if (node === undefined) return 0;
    const name = frameName(node);
    const below = (node.children ?? []).reduce((total, child) => total + walk(child, onStack.has(name) ? onStack : new Set([...onStack, name])), 0);
    const total = (node.hitCount ?? 0) + below;
    if (!onStack.has(name)) inclusive.set(name, (inclusive.get(name) ?? 0) + total);
    return total;
  };
  const root = profile.nodes[0];
  if (root !== undefined) walk(root.id, new Set());

  const percent = (samples: number): string => `${((100 * samples) / Math.max(1, totalSamples)).toFixed(1).padStart(5)}%`;
  const ms = (samples: number): string => `${(samples * msPerSample).toFixed(0).padStart(6)} ms`;
  const ranked = (map: Map<string, number>, filter: (name: string) => boolean = () => true): Array<[string, number]> =>
    [...map].filter(([name]) => filter(name)).sort((a, b) => b[1] - a[1]).slice(0, top);
  return [
    `profile ${path} (${totalSamples} samples, ${((profile.endTime - profile.startTime) / 1e6).toFixed(1)} s)`,
    'self time, top functions:',
    ...ranked(self).map(([name, samples]) => `  ${percent(samples)} ${ms(samples)}  ${name}`),
    'inclusive time, rollup functions:',
    ...ranked(inclusive, (name) => name.includes('rollup/')).map(([name, samples]) => `  ${percent(samples)} ${ms(samples)}  ${name}`),
  ];
}
