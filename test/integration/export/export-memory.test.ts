import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { parse } from 'csv-parse';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobRecord } from '../../../functions/core/jobs/record';
import { generatedTotals, storeName, type GeneratedStatsShape } from '../../helpers/generated-stats';
import { createTestStorage, type TestStorage } from '../../helpers/storage';

/**
 * 50 stores × 3 channels = 150 dimension combinations a day, for a year, of three metrics (as
 * many as the rollup tests use): 164,250 rows, about 9 MiB. `EXPORT_MEMORY_METRICS=20` makes a
 * 62 MiB export to see how the peak grows with size (it does not hold the file, but V8 collects
 * lazily: see docs/jobs.md, Exports).
 */
const SHAPE: GeneratedStatsShape = {
  seed: 365,
  metrics: Array.from({ length: Number(process.env['EXPORT_MEMORY_METRICS'] ?? 3) }, (_, i) => `metric_${i}`),
  stores: 50,
  channels: ['app', 'store', 'web'],
};
const FROM = '2025-11-23';
const TO = '2026-11-22';
const PEAK_RSS_LIMIT_MB = 150;
const HEAP_LIMIT_MB = 64;

interface ChildResult {
  run: JobRecord;
  baselineRssMb: number;
  maxRssMb: number;
  reads: number;
  elapsedMs: number;
}

/**
 * The fixture bundled the way the CDK bundles a job function (esbuild, ESM, minified, the SDK
 * inside), so the process measured loads what a Lambda loads and not the TypeScript loader.
 */
async function bundleFixture(outdir: string): Promise<string> {
  const outfile = join(outdir, 'export-memory-run.mjs');
  await build({
    entryPoints: ['test/fixtures/export-memory-run.ts'],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    mainFields: ['module', 'main'],
    minify: true,
    banner: { js: "import { createRequire as __nightshiftCreateRequire } from 'node:module'; const require = __nightshiftCreateRequire(import.meta.url);" },
    logLevel: 'warning',
  });
  return outfile;
}

/** Runs the export in its own process (so its peak RSS is its own) and returns what it printed. */
function exportInChild(bundle: string, storage: TestStorage, params: Record<string, unknown>): Promise<ChildResult> {
  const input = { dynamodbEndpoint: storage.dynamodbEndpoint, s3Endpoint: storage.s3Endpoint, jobsTable: storage.names.jobsTable, bucket: storage.names.bucket, shape: SHAPE, params };
  return new Promise((resolve, reject) => {
    // A heap cap well under the RSS limit: V8 collects before it grows instead of whenever it likes
    // (a busy machine let a lazy heap reach 172 MB), and an export that buffered the file would
    // run out of heap rather than pass.
    const child = spawn(process.execPath, [`--max-old-space-size=${HEAP_LIMIT_MB}`, bundle, JSON.stringify(input)], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.on('error', reject);
    child.on('exit', (code) => {
      if (code !== 0) reject(new Error(`export process exited ${String(code)}: ${stderr.slice(-2000)}`));
      else resolve(JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}') as ChildResult);
    });
  });
}

function* localDays(from: string, to: string): Generator<string> {
  for (let ms = Date.parse(`${from}T00:00:00Z`); ms <= Date.parse(`${to}T00:00:00Z`); ms += 86_400_000) yield new Date(ms).toISOString().slice(0, 10);
}

/** The rows the export must hold, in its order (day, metric, store, channel), from the generator. */
function* expectedRows(): Generator<string[]> {
  for (const day of localDays(FROM, TO)) {
    for (const metric of SHAPE.metrics) {
      for (let s = 0; s < SHAPE.stores; s += 1) {
        for (const channel of SHAPE.channels) {
          const store = storeName(s);
          const { count, sum, min, max } = generatedTotals(SHAPE, metric, day, store, channel);
          yield [day, metric, store, channel, String(count), String(sum), String(min), String(max), String(sum / count)];
        }
      }
    }
  }
}

describe('export of a year × 150 dimension combinations', () => {
  let storage: TestStorage;
  let workdir: string;
  let bundle: string;

  beforeAll(async () => {
    storage = await createTestStorage('export-memory');
    workdir = await mkdtemp(join(tmpdir(), 'nightshift-export-memory-'));
    bundle = await bundleFixture(workdir);
  });

  afterAll(async () => {
    await storage.destroy();
    await rm(workdir, { recursive: true, force: true });
  });

  it(`streams to S3 under ${PEAK_RSS_LIMIT_MB} MB peak RSS and parses back to the generated numbers`, async () => {
    // Act
    const result = await exportInChild(bundle, storage, { from: FROM, to: TO, metrics: SHAPE.metrics, groupBy: ['store', 'channel'], name: 'year' });

    // Assess: the run, its memory, then every row of the object, streamed back through csv-parse.
    const { run } = result;
    expect(run.status).toBe('succeeded');
    const expectedCount = 365 * SHAPE.metrics.length * 150;
    expect(run.summary?.['rows']).toBe(expectedCount);
    expect(result.reads).toBe(365 * SHAPE.metrics.length);
    const bytes = Number(run.summary?.['bytes']);
    console.info(`export: ${expectedCount} rows, ${(bytes / 1_048_576).toFixed(1)} MiB in ${result.elapsedMs} ms; peak RSS ${result.maxRssMb} MB (${result.baselineRssMb} MB before the run)`);
    // More than one 5 MiB part: the multipart path, not a single PUT.
    expect(bytes).toBeGreaterThan(5 * 1_048_576);
    expect(result.maxRssMb).toBeLessThan(PEAK_RSS_LIMIT_MB);

    const records = Readable.from(await storage.artifactStore.get(String(run.summary?.['key']))).pipe(parse({ record_delimiter: '\r\n' }));
    const expected = expectedRows();
    let header: string[] | undefined;
    let rows = 0;
    for await (const record of records as AsyncIterable<string[]>) {
      if (header === undefined) {
        header = record;
        continue;
      }
      rows += 1;
      const want = expected.next().value;
      // Compared as text first: 164k toEqual calls would be most of the test's time.
      if (JSON.stringify(record) !== JSON.stringify(want)) expect({ row: rows, record }).toEqual({ row: rows, record: want });
    }
    expect(header).toEqual(['day', 'metric', 'store', 'channel', 'count', 'sum', 'min', 'max', 'avg']);
    expect(rows).toBe(expectedCount);
    expect(expected.next().done).toBe(true);
  }, 60_000);
});
