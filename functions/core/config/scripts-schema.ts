import * as z from 'zod';

const MiB = 1024 * 1024;

/** How script runs are run: shared limits; each script's own limits live in its manifest. */
export const scriptsConfigSchema = z
  .object({
    /** At most this many script runs at once; the rest wait `queued`, in order. */
    maxConcurrency: z.number().int().min(1).max(100).default(5),
    /** Bytes of stdout (and, separately, of stderr) kept per run; the rest is dropped and the record says so. */
    outputCapBytes: z.number().int().min(1024).max(1024 * MiB).default(10 * MiB),
    /** After SIGTERM, how long the script's process group has before SIGKILL. */
    killGraceMs: z.number().int().min(100).max(60_000).default(5000),
    /** Files a script may leave in its output directory to become artifacts. */
    maxOutputFiles: z.number().int().min(0).max(1000).default(20),
    /** Bytes per output file; a bigger file is not uploaded and the summary lists it. */
    maxOutputFileBytes: z.number().int().min(1).max(5 * 1024 * MiB).default(100 * MiB),
    /** Bytes per input artifact a run downloads for its script. */
    maxInputBytes: z.number().int().min(1).max(5 * 1024 * MiB).default(200 * MiB),
  })
  .strict();

export type ScriptsConfig = z.output<typeof scriptsConfigSchema>;

export const defaultScriptsConfig: ScriptsConfig = scriptsConfigSchema.parse({});
