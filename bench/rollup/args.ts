export interface RollupBenchOptions {
  events: number;
  /** Files read at once by the ours and floor phases. */
  concurrency: number;
  duckdbThreads: number | undefined;
  /** Each throughput phase runs this many times (interleaved); the fastest run counts. */
  repeat: number;
  fresh: boolean;
  skip: ReadonlySet<string>;
  /** Write a CPU profile of the ours phase and print where its time goes. */
  profile: boolean;
  help: boolean;
}

export const SKIPPABLE = ['floor', 'duckdb', 'amplification'] as const;

export const HELP = `usage: npm run bench -- rollup [options]

  --events=N           events to generate (default 1000000; the files are cached by spec)
  --concurrency=N      files aggregated at once by "ours" and "floor" (default 1: sequential)
  --duckdb-threads=N   DuckDB worker threads (default: DuckDB's, one per core)
  --repeat=N           run floor / ours / DuckDB N times, interleaved; the fastest counts (default 1)
  --fresh              regenerate the data even when the cache matches
  --skip=a,b           leave out phases: ${SKIPPABLE.join(', ')}
  --profile            one more "ours" run, CPU-profiled (not measured): prints the hottest functions
  NIGHTSHIFT_BENCH_CACHE=DIR   where generated data is cached (default: <tmpdir>/nightshift-bench)`;

export class UsageError extends Error {}

function positiveInteger(name: string, text: string): number {
  const value = Number(text.replace(/_/g, ''));
  if (!Number.isInteger(value) || value < 1) throw new UsageError(`--${name} must be a positive integer, not "${text}"`);
  return value;
}

export function parseArgs(args: readonly string[]): RollupBenchOptions {
  const options: RollupBenchOptions = {
    events: 1_000_000,
    concurrency: 1,
    duckdbThreads: undefined,
    repeat: 1,
    fresh: false,
    skip: new Set(),
    profile: false,
    help: false,
  };
  for (const arg of args) {
    const [, name = '', value] = /^--([a-z-]+)(?:=(.*))?$/.exec(arg) ?? [];
    const needValue = (): string => {
      if (value === undefined || value === '') throw new UsageError(`--${name} needs a value (--${name}=…)`);
      return value;
    };
    switch (name) {
      case 'events':
        options.events = positiveInteger(name, needValue());
        break;
      case 'concurrency':
        options.concurrency = positiveInteger(name, needValue());
        break;
      case 'duckdb-threads':
        options.duckdbThreads = positiveInteger(name, needValue());
        break;
      case 'repeat':
        options.repeat = positiveInteger(name, needValue());
        break;
      case 'fresh':
        options.fresh = true;
        break;
      case 'profile':
        options.profile = true;
        break;
      case 'help':
        options.help = true;
        break;
      case 'skip': {
        const phases = needValue().split(',');
        for (const phase of phases) {
          if (!(SKIPPABLE as readonly string[]).includes(phase)) throw new UsageError(`--skip: unknown phase "${phase}" (${SKIPPABLE.join(', ')})`);
        }
        options.skip = new Set(phases);
        break;
      }
      default:
        throw new UsageError(`unknown option "${arg}"`);
    }
  }
  return options;
}
