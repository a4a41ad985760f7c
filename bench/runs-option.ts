/** The `--runs N` option of the start-up benchmarks (cli, init): their only option. */
export function parseRunsOption(args: readonly string[], defaultRuns: number, usage: string): { runs: number } {
  const options = { runs: defaultRuns };
  for (let index = 0; index < args.length; index += 2) {
    const value = Number(args[index + 1]);
    if (args[index] !== '--runs' || !Number.isInteger(value) || value < 1) throw new Error(`bad option ${args[index] ?? ''} ${args[index + 1] ?? ''}\n${usage}`);
    options.runs = value;
  }
  return options;
}
