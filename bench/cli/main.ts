import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { availableParallelism, loadavg } from 'node:os';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseRunsOption } from '../runs-option';

const ROOT = resolve(fileURLToPath(new URL('.', import.meta.url)), '../..');

const USAGE = `usage: npm run bench -- cli [--runs N]

Starts \`nightshift jobs list\` as a new process again and again against a tiny local API and
times, per start, the first request the API receives (the first byte of work: Node started, the
CLI loaded and its arguments parsed) and the process's exit. Variants, interleaved so machine load
hits them alike: \`node -e 0\` (the anchor: Node's own start), the bin as shipped (the compiled
bundle in dist/cli, built first if missing or stale) and the TypeScript sources through tsx (what
the bin did before the bundle, and still does when no bundle can be built).
  --runs N   starts per variant (default 15)`;

interface Variant {
  name: string;
  args: readonly string[];
  /** Whether it talks to the API (the anchor does not). */
  requests: boolean;
}

interface Sample {
  firstRequestMs: number | undefined;
  exitMs: number;
}

const PAGE = {
  items: Array.from({ length: 20 }, (_, index) => ({
    id: `01KAZ3Q0M8W1Y2X3V4T5S6R7${String(index).padStart(2, '0')}`,
    type: 'rollup',
    status: 'succeeded',
    trigger: 'debounce',
    params: {},
    createdAt: new Date(Date.UTC(2026, 10, 23, 10, index)).toISOString(),
    durationMs: 1200 + index,
    summary: { events: 1000 + index, hoursRecomputed: 2 },
    artifacts: [],
    triggeredBy: 'ingest',
    expiresAt: 1,
  })),
  nextCursor: null,
};

/** A stand-in API: `GET /jobs` and `GET /metrics`, noting when the current start's first request came. */
async function startApi(): Promise<{ server: Server; url: string; firstRequestAt: () => number | undefined; reset: () => void }> {
  let first: number | undefined;
  const server = createServer((request, response) => {
    first ??= performance.now();
    const path = new URL(request.url ?? '/', 'http://bench').pathname;
    const body = path === '/jobs' ? PAGE : path === '/metrics' ? { timezone: 'America/Los_Angeles', weekStartsOn: 'monday', metrics: [], ratios: [], dimensions: [] } : { error: { code: 'route_not_found', message: path } };
    response.writeHead(path === '/jobs' || path === '/metrics' ? 200 : 404, { 'content-type': 'application/json' });
    response.end(JSON.stringify(body));
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  return {
    server,
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    firstRequestAt: () => first,
    reset: () => {
      first = undefined;
    },
  };
}

async function timeStart(variant: Variant, api: Awaited<ReturnType<typeof startApi>>): Promise<Sample> {
  api.reset();
  const started = performance.now();
  const child = spawn(process.execPath, variant.args, {
    cwd: ROOT,
    env: { ...process.env, NIGHTSHIFT_URL: api.url, NIGHTSHIFT_TOKEN: 'bench', NIGHTSHIFT_TIMEZONE: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stdout.resume();
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString('utf8');
  });
  const code = await new Promise<number | null>((done) => child.on('close', done));
  const exitMs = performance.now() - started;
  if (code !== 0) throw new Error(`${variant.name} exited ${code}: ${stderr}`);
  const first = api.firstRequestAt();
  if (variant.requests && first === undefined) throw new Error(`${variant.name} made no request`);
  return { firstRequestMs: first === undefined ? undefined : first - started, exitMs };
}

function quantile(values: readonly number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

export async function runCliBenchmark(args: readonly string[]): Promise<number> {
  if (args.includes('--help')) {
    console.log(USAGE);
    return 0;
  }
  const { runs } = parseRunsOption(args, 15, USAGE);
  const jobsList = ['jobs', 'list'];
  const variants: Variant[] = [
    { name: 'node -e 0 (anchor)', args: ['-e', '0'], requests: false },
    { name: 'nightshift (bin, bundle)', args: [resolve(ROOT, 'bin/nightshift.mjs'), ...jobsList], requests: true },
    { name: 'nightshift (sources, tsx)', args: ['--import', 'tsx', resolve(ROOT, 'cli/process-entry.ts'), ...jobsList], requests: true },
  ];
  const api = await startApi();
  try {
    // One start each before measuring: the bin builds its bundle here when it is missing or stale.
    for (const variant of variants) await timeStart(variant, api);
    const samples = new Map<string, Sample[]>(variants.map((variant) => [variant.name, []]));
    for (let round = 0; round < runs; round += 1) {
      for (const variant of variants) samples.get(variant.name)!.push(await timeStart(variant, api));
    }
    const anchorMs = quantile(samples.get(variants[0]!.name)!.map((sample) => sample.exitMs), 0.5);
    const rows = variants.map((variant) => {
      const taken = samples.get(variant.name)!;
      const first = taken.flatMap((sample) => (sample.firstRequestMs === undefined ? [] : [sample.firstRequestMs]));
      const exit = taken.map((sample) => sample.exitMs);
      return {
        name: variant.name,
        firstRequestMs: first.length > 0 ? { median: Math.round(quantile(first, 0.5)), p90: Math.round(quantile(first, 0.9)) } : null,
        exitMs: { median: Math.round(quantile(exit, 0.5)), p90: Math.round(quantile(exit, 0.9)) },
        firstRequestVsAnchor: first.length > 0 ? round2(quantile(first, 0.5) / anchorMs) : null,
        exitVsAnchor: round2(quantile(exit, 0.5) / anchorMs),
      };
    });
    console.log(`nightshift jobs list, ${runs} starts per variant (interleaved), against a local stand-in API; anchor: node -e 0 = ${Math.round(anchorMs)} ms median\n`);
    console.log(`${'variant'.padEnd(28)} ${'first request'.padStart(14)} ${'p90'.padStart(6)} ${'exit'.padStart(7)} ${'p90'.padStart(6)} ${'first/anchor'.padStart(13)} ${'exit/anchor'.padStart(12)}`);
    for (const row of rows) {
      console.log(
        `${row.name.padEnd(28)} ${(row.firstRequestMs ? `${row.firstRequestMs.median} ms` : '—').padStart(14)} ${(row.firstRequestMs ? `${row.firstRequestMs.p90}` : '').padStart(6)} ${`${row.exitMs.median} ms`.padStart(7)} ${String(row.exitMs.p90).padStart(6)} ${(row.firstRequestVsAnchor === null ? '—' : `${row.firstRequestVsAnchor}×`).padStart(13)} ${`${row.exitVsAnchor}×`.padStart(12)}`,
      );
    }
    console.log(`\n(load average ${loadavg().map((value) => value.toFixed(1)).join(' ')} on ${availableParallelism()} cores)`);
    console.log(JSON.stringify({ benchmark: 'cli', runs, anchorMs: Math.round(anchorMs), variants: rows }));
    return 0;
  } finally {
    await new Promise<void>((done) => api.server.close(() => done()));
  }
}

function round2(value: number): number {
  return Math.round(value * 100) / 100;
}
