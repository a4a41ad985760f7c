import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { apiFunction, authorizerFunction, jobCatalog } from '../../functions/catalog';
import { loadConfigFile } from '../../infra/config/load-config';
import { bundleDefines, lambdaBundleOptions } from '../../infra/constructs/lambda-bundle';
import { node22Binary } from '../../infra/rehearse/node22';
import { parseRunsOption } from '../runs-option';
import { BREAKDOWN_GROUPS, breakdownOf, type Breakdown } from './breakdown';

const ROOT = resolve(fileURLToPath(new URL('.', import.meta.url)), '../..');

const USAGE = `usage: npm run bench -- init [--runs N] [--against DIR]

Bundles every function as the stack does (infra/constructs/lambda-bundle.ts, the repository's
nightshift.config.ts compiled in) and an anchor: a handler of the same bundling that only
builds the SDK's DynamoDB document client and S3 client (sdk-only-handler.ts), what nearly every
function builds. Each
bundle then starts cold in a new Node 22 process (Lambda's nodejs22.x; infra/rehearse/node22),
again and again, interleaved: the module is imported, then the handler answers one event it
refuses before any AWS call, so the runtime is built (clients, stores, logger) as on a first
invocation. CPU times of the process from its start, reported as ratios to the anchor's (wall
time beside them: on a loaded machine it mostly measures the load).
  --runs N       cold starts per bundle (default 12)
  --against DIR  also every bundle of another checkout of Nightshift (a worktree of main, say),
                 bundled with its own lambda-bundle.ts and config, as rows "<name> (against)",
                 interleaved with these in the same run: a change's before and after`;

/** The budget of issue 20: every zip function's index.mjs at most this many bytes. */
const TARGET_BYTES = 500_000;

/**
 * The child: imports the bundle, answers one event, and prints for both points the process's CPU
 * time (user + system) and wall time since it started, in ms. CPU time is what the comparison
 * uses: a cold start is CPU-bound (parse, evaluate, build), and unlike wall time it barely moves
 * when other processes load the machine.
 */
const MEASURE_SOURCE = `
const cpuMs = () => { const { user, system } = process.cpuUsage(); return (user + system) / 1000; };
const [bundle, event] = process.argv.slice(2);
const module = await import(bundle);
const imported = { cpu: cpuMs(), wall: performance.now() };
const context = { awsRequestId: 'bench', functionName: 'bench', getRemainingTimeInMillis: () => 60000 };
try { await module.handler(JSON.parse(event), context); } catch {}
const answered = { cpu: cpuMs(), wall: performance.now() };
process.stdout.write(JSON.stringify({ imported, answered }));
`;

interface Variant {
  name: string;
  bundle: string;
  /** Where its bytes come from (esbuild's metafile). */
  breakdown: Breakdown;
  /** An event the handler refuses before any AWS call. */
  event: unknown;
  env: Record<string, string>;
}

interface Instant {
  cpu: number;
  wall: number;
}

interface Sample {
  imported: Instant;
  answered: Instant;
}

/** What Lambda and the stack give every runtime function; the endpoint is a closed port, so a stray call fails at once. */
const RUNTIME_ENV: Record<string, string> = {
  AWS_REGION: 'us-east-1',
  AWS_ACCESS_KEY_ID: 'ASIABENCHBENCHBENCH1',
  AWS_SECRET_ACCESS_KEY: 'bench',
  AWS_SESSION_TOKEN: 'bench',
  AWS_ENDPOINT_URL: 'http://127.0.0.1:9',
  AWS_MAX_ATTEMPTS: '1',
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  POWERTOOLS_LOG_LEVEL: 'SILENT',
  POWERTOOLS_SERVICE_NAME: 'nightshift',
  JOBS_TABLE: 'jobs',
  ANALYTICS_TABLE: 'analytics',
  ARTIFACTS_BUCKET: 'artifacts',
  NIGHTSHIFT_INVOKER: 'lambda',
  NIGHTSHIFT_JOB_FUNCTIONS: JSON.stringify(Object.fromEntries(jobCatalog.map((definition) => [definition.type, `nightshift-${definition.type}`]))),
  NIGHTSHIFT_DEPLOYED_AT: '2026-11-22T10:00:00.000Z',
  NIGHTSHIFT_VERSION: 'bench',
};

/** How a checkout bundles: its own lambda-bundle.ts and config loader (this one's, or --against's). */
interface Bundler {
  root: string;
  /** Appended to each row's name. */
  label: string;
  options: typeof lambdaBundleOptions;
  define: Record<string, string>;
}

async function bundlerOf(root: string, label: string): Promise<Bundler> {
  if (root === ROOT) return { root, label, options: lambdaBundleOptions, define: bundleDefines(await loadConfigFile(join(ROOT, 'nightshift.config.ts'), ROOT)) };
  const bundling = (await import(pathToFileURL(join(root, 'infra/constructs/lambda-bundle.ts')).href)) as { lambdaBundleOptions: typeof lambdaBundleOptions; bundleDefines: typeof bundleDefines };
  const loader = (await import(pathToFileURL(join(root, 'infra/config/load-config.ts')).href)) as { loadConfigFile: typeof loadConfigFile };
  return { root, label, options: bundling.lambdaBundleOptions, define: bundling.bundleDefines(await loader.loadConfigFile(join(root, 'nightshift.config.ts'), root)) };
}

async function bundleAll(directory: string, bundler: Bundler): Promise<Variant[]> {
  const functions: { name: string; entry: string; event: unknown; env: Record<string, string> }[] = [
    ...jobCatalog.map((definition) => ({ name: definition.type, entry: definition.function.entry, event: {}, env: { NIGHTSHIFT_JOB_TYPE: definition.type } })),
    { name: apiFunction.name, entry: apiFunction.entry, event: apiEvent('/bench-no-such-route'), env: { NIGHTSHIFT_JOB_TYPE: 'api' } },
    {
      name: authorizerFunction.name,
      entry: authorizerFunction.entry,
      // No Authorization header: refused without reading the secret.
      event: { type: 'REQUEST', headers: {}, identitySource: [] },
      env: { NIGHTSHIFT_TOKENS_SECRET_ARN: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:nightshift-tokens-AbCdEf' },
    },
  ];
  const variants: Variant[] = [];
  for (const fn of [{ name: 'SDK only (anchor)', entry: 'bench/init/sdk-only-handler.ts', event: {}, env: {} }, ...functions]) {
    // A function the other checkout does not have yet is left out of its rows.
    if (!existsSync(resolve(bundler.root, fn.entry))) continue;
    const name = `${fn.name}${bundler.label}`;
    const outdir = join(directory, name.replace(/\W+/g, '-'));
    mkdirSync(outdir, { recursive: true });
    const outfile = join(outdir, 'index.mjs');
    const { metafile } = await build({ ...bundler.options(resolve(bundler.root, fn.entry), outfile, bundler.define), absWorkingDir: bundler.root, logLevel: 'error', metafile: true });
    variants.push({ name, bundle: outfile, breakdown: breakdownOf(metafile), event: fn.event, env: { ...RUNTIME_ENV, ...fn.env } });
  }
  return variants;
}

function apiEvent(path: string): unknown {
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: path,
    rawQueryString: '',
    headers: {},
    requestContext: { http: { method: 'GET', path, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'bench' }, requestId: 'bench', stage: '$default', timeEpoch: 0 },
    isBase64Encoded: false,
  };
}

async function coldStart(node: string, measure: string, variant: Variant): Promise<Sample> {
  const child = spawn(node, ['--enable-source-maps', measure, pathToFileURL(variant.bundle).href, JSON.stringify(variant.event)], {
    cwd: tmpdir(),
    env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', ...variant.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const code = await new Promise<number | null>((done) => child.on('close', done));
  if (code !== 0) throw new Error(`${variant.name} exited ${code}: ${stderr}`);
  return JSON.parse(stdout) as Sample;
}

/** Where each bundle's bytes come from: KB per group, then its largest packages. */
function printBreakdown(variants: readonly Variant[]): void {
  console.log(`\nwhere the bytes are (KB in index.mjs, esbuild's metafile)\n${'function'.padEnd(28)} ${BREAKDOWN_GROUPS.map((group) => group.padStart(10)).join(' ')}   largest packages`);
  for (const variant of variants) {
    const groups = BREAKDOWN_GROUPS.map((group) => String(Math.round(variant.breakdown.groups[group] / 1000)).padStart(10)).join(' ');
    const largest = variant.breakdown.largest.slice(0, 5).map(({ name, bytes }) => `${name} ${Math.round(bytes / 1000)}`).join(', ');
    console.log(`${variant.name.padEnd(28)} ${groups}   ${largest}`);
  }
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

function round2(value: number): number {
  return Math.round(value * 100) / 100;
}

export async function runInitBenchmark(args: readonly string[]): Promise<number> {
  if (args.includes('--help')) {
    console.log(USAGE);
    return 0;
  }
  const againstAt = args.indexOf('--against');
  const against = againstAt >= 0 ? args[againstAt + 1] : undefined;
  if (againstAt >= 0 && (against === undefined || !existsSync(join(against, 'infra/constructs/lambda-bundle.ts')))) throw new Error(`--against needs a checkout of Nightshift\n${USAGE}`);
  const { runs } = parseRunsOption(againstAt >= 0 ? [...args.slice(0, againstAt), ...args.slice(againstAt + 2)] : args, 12, USAGE);
  const directory = mkdtempSync(join(tmpdir(), 'nightshift-bench-init-'));
  try {
    const node = node22Binary((line) => console.error(line));
    const measure = join(directory, 'measure.mjs');
    writeFileSync(measure, MEASURE_SOURCE);
    const variants = await bundleAll(directory, await bundlerOf(ROOT, ''));
    if (against !== undefined) variants.push(...(await bundleAll(directory, await bundlerOf(resolve(against), ' (against)'))));
    // One start each first: the file system cache, not the first process, pays for reading the bundle.
    for (const variant of variants) await coldStart(node.path, measure, variant);
    const samples = new Map<string, Sample[]>(variants.map((variant) => [variant.name, []]));
    for (let round = 0; round < runs; round += 1) {
      for (const variant of variants) samples.get(variant.name)!.push(await coldStart(node.path, measure, variant));
    }
    const medianOf = (name: string, pick: (sample: Sample) => number) => median(samples.get(name)!.map(pick));
    const anchorName = variants[0]!.name;
    const anchorBytes = statSync(variants[0]!.bundle).size;
    const anchor = {
      importCpuMs: medianOf(anchorName, (sample) => sample.imported.cpu),
      initCpuMs: medianOf(anchorName, (sample) => sample.answered.cpu),
      initWallMs: medianOf(anchorName, (sample) => sample.answered.wall),
    };
    const rows = variants.map((variant) => {
      const bytes = statSync(variant.bundle).size;
      return {
        name: variant.name,
        bytes,
        withinTarget: bytes <= TARGET_BYTES,
        sizeVsAnchor: round2(bytes / anchorBytes),
        importCpuVsAnchor: round2(medianOf(variant.name, (sample) => sample.imported.cpu) / anchor.importCpuMs),
        initCpuVsAnchor: round2(medianOf(variant.name, (sample) => sample.answered.cpu) / anchor.initCpuMs),
        initWallVsAnchor: round2(medianOf(variant.name, (sample) => sample.answered.wall) / anchor.initWallMs),
        kbByGroup: Object.fromEntries(BREAKDOWN_GROUPS.map((group) => [group, Math.round(variant.breakdown.groups[group] / 1000)])),
      };
    });
    console.log(`cold starts on Node ${node.version}, ${runs} per bundle (interleaved); anchor: a bundle of the SDK's DynamoDB document client and S3 client alone`);
    console.log('import = the module evaluated; init = imported, runtime built, first event answered; CPU time of the process from its start (median), wall time beside it\n');
    console.log(`${'function'.padEnd(28)} ${'index.mjs'.padStart(10)} ${'≤ 500 KB'.padStart(9)} ${'size/anchor'.padStart(12)} ${'import CPU/anchor'.padStart(18)} ${'init CPU/anchor'.padStart(16)} ${'init wall/anchor'.padStart(17)}`);
    for (const row of rows) {
      console.log(
        `${row.name.padEnd(28)} ${`${Math.round(row.bytes / 1000)} KB`.padStart(10)} ${(row.withinTarget ? 'yes' : 'no').padStart(9)} ${`${row.sizeVsAnchor}×`.padStart(12)} ${`${row.importCpuVsAnchor}×`.padStart(18)} ${`${row.initCpuVsAnchor}×`.padStart(16)} ${`${row.initWallVsAnchor}×`.padStart(17)}`,
      );
    }
    printBreakdown(variants);
    console.log(`\n(anchor medians, Node's own start included: import ${Math.round(anchor.importCpuMs)} ms CPU, init ${Math.round(anchor.initCpuMs)} ms CPU, ${Math.round(anchor.initWallMs)} ms wall; load average ${loadavg().map((value) => value.toFixed(1)).join(' ')} on ${availableParallelism()} cores)`);
    console.log(
      JSON.stringify({
        benchmark: 'init',
        node: node.version,
        runs,
        targetBytes: TARGET_BYTES,
        anchor: { bytes: anchorBytes, importCpuMs: Math.round(anchor.importCpuMs), initCpuMs: Math.round(anchor.initCpuMs), initWallMs: Math.round(anchor.initWallMs), kbByGroup: rows[0]!.kbByGroup },
        functions: rows.slice(1),
      }),
    );
    return 0;
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}
