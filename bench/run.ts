/**
 * `npm run bench -- <name>`: runs one benchmark. Benchmarks are not tests (DESIGN §8): each prints
 * a human table and, as its last line, one JSON object with its figures.
 */

// Benchmarks print tables: keep the SDK's Node 22 reminder and the job logs out of them.
process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] ??= 'true';
process.env['POWERTOOLS_LOG_LEVEL'] ??= 'SILENT';

interface Benchmark {
  description: string;
  /** Runs the benchmark with the arguments after its name; resolves to the process exit code. */
  run(args: readonly string[]): Promise<number>;
}

const benchmarks: Record<string, Benchmark> = {
  rollup: {
    description: 'rollup throughput and peak RSS vs DuckDB and the gunzip floor; read amplification of a simulated day',
    run: async (args) => (await import('./rollup/main')).runRollupBenchmark(args),
  },
  e2e: {
    description: 'ingest through the HTTP API, then the debounced rollup end to end: events/s, per-object cost by phase, requests per run, ingest-to-visible p50/p95, ÷ the hot path',
    run: async (args) => (await import('./e2e/main')).runE2eBenchmark(args),
  },
  fanout: {
    description: 'the rollup fanned out over 1, 2 and 4 partition workers in the in-process local cloud: wall time, speed-up vs 1 worker, exactness of each run',
    run: async (args) => (await import('./fanout/main')).runFanOutBenchmark(args),
  },
  cost: {
    description: 'requests per debounced rollup run (DynamoDB capacity units, S3 operations): the inputs of the cost estimate in docs/deploy.md',
    run: async (args) => (await import('./cost/main')).runCostBenchmark(args),
  },
  cli: {
    description: 'start-up of a CLI call (`nightshift jobs list`): first request and exit, against `node -e 0`',
    run: async (args) => (await import('./cli/main')).runCliBenchmark(args),
  },
  init: {
    description: 'cold start of every function bundle on Node 22 (import, runtime built, first event) and its size, against a bundle of the SDK clients alone',
    run: async (args) => (await import('./init/main')).runInitBenchmark(args),
  },
  proofs: {
    description: 'sampling-proof quality: recall per injected anomaly, false warns/criticals per metric-month on clean series, precision of criticals',
    run: async (args) => (await import('./proofs/main')).runProofsBenchmark(args),
  },
};

function usage(): string {
  const names = Object.keys(benchmarks);
  const width = Math.max(...names.map((name) => name.length));
  return [
    'usage: npm run bench -- <name> [options]',
    '',
    'available benchmarks:',
    ...names.map((name) => `  ${name.padEnd(width)}  ${benchmarks[name]?.description ?? ''}`),
    '',
    'options of a benchmark: npm run bench -- <name> --help',
  ].join('\n');
}

async function main(argv: readonly string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h') {
    process.stderr.write(`${usage()}\n`);
    return name === undefined ? 2 : 0;
  }
  const benchmark = Object.hasOwn(benchmarks, name) ? benchmarks[name] : undefined;
  if (benchmark === undefined) {
    process.stderr.write(`unknown benchmark "${name}"\n\n${usage()}\n`);
    return 2;
  }
  return benchmark.run(rest);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`benchmark failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 1;
  },
);
