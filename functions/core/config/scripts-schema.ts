import * as z from 'zod/mini';
import '../zod-mini-english';

const MiB = 1024 * 1024;

/** How script runs are run: shared limits; each script's own limits live in its manifest. */
export const scriptsConfigSchema = z.strictObject({
  /** At most this many script runs at once; the rest wait `queued`, in order. */
  maxConcurrency: z._default(z.number().check(z.int(), z.gte(1), z.lte(100)), 5),
  /** Bytes of stdout (and, separately, of stderr) kept per run; the rest is dropped and the record says so. */
  outputCapBytes: z._default(z.number().check(z.int(), z.gte(1024), z.lte(1024 * MiB)), 10 * MiB),
  /** After SIGTERM, how long the script's process group has before SIGKILL. */
  killGraceMs: z._default(z.number().check(z.int(), z.gte(100), z.lte(60_000)), 5000),
  /** Files a script may leave in its output directory to become artifacts. */
  maxOutputFiles: z._default(z.number().check(z.int(), z.gte(0), z.lte(1000)), 20),
  /** Bytes per output file; a bigger file is not uploaded and the summary lists it. */
  maxOutputFileBytes: z._default(z.number().check(z.int(), z.gte(1), z.lte(5 * 1024 * MiB)), 100 * MiB),
  /** Bytes per input artifact a run downloads for its script. */
  maxInputBytes: z._default(z.number().check(z.int(), z.gte(1), z.lte(5 * 1024 * MiB)), 200 * MiB),
});

export type ScriptsConfig = z.output<typeof scriptsConfigSchema>;

export const defaultScriptsConfig: ScriptsConfig = scriptsConfigSchema.parse({});
