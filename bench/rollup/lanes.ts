/** What the throughput phases get from the parent. */
export interface FilesInput {
  files: string[];
  /** Files read at once; 1 reads them one after another. */
  concurrency: number;
}

export function describeMode(concurrency: number): string {
  return concurrency <= 1 ? 'sequential' : `${concurrency} files at a time`;
}

/**
 * Runs `work` over the files with at most `concurrency` in flight. Each lane gets its own index,
 * so a phase can keep one accumulator per lane and merge them at the end.
 */
export async function forEachFile(files: readonly string[], concurrency: number, work: (file: string, lane: number) => Promise<void>): Promise<void> {
  let next = 0;
  const lanes = Math.max(1, Math.min(concurrency, files.length));
  await Promise.all(
    Array.from({ length: lanes }, async (_, lane) => {
      for (let index = next++; index < files.length; index = next++) {
        const file = files[index];
        if (file !== undefined) await work(file, lane);
      }
    }),
  );
}

export function secondsSince(startedMs: number): number {
  return (performance.now() - startedMs) / 1000;
}
