import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { nextPeriod, parsePeriodKey, previousPeriod, type Period } from '../../functions/core/time';
import { eventBatches } from './events';
import { seededRandom } from './prng';
import { TIMEZONE } from './shared';

/** Everything the files depend on: a cache directory is reused only when this matches exactly. */
export interface DatasetSpec {
  format: 1;
  seed: number;
  events: number;
  files: number;
  /** First local day; the events spread uniformly over `days` local days in `timezone`. */
  firstDay: string;
  days: number;
  timezone: string;
  gzipLevel: number;
}

export interface DatasetFile {
  path: string;
  events: number;
  rawBytes: number;
  gzBytes: number;
}

export interface Dataset {
  spec: DatasetSpec;
  dir: string;
  files: DatasetFile[];
  events: number;
  rawBytes: number;
  gzBytes: number;
  reused: boolean;
  generateSeconds: number;
}

interface Manifest {
  spec: DatasetSpec;
  files: Array<Omit<DatasetFile, 'path'> & { name: string }>;
  generatedAt: string;
}

/** 2026-10-29 … 2026-11-04: seven local days, with the 25-hour fall-back day (Nov 1) in the middle. */
export function defaultSpec(events: number): DatasetSpec {
  return { format: 1, seed: 20261101, events, files: 10, firstDay: '2026-10-29', days: 7, timezone: TIMEZONE, gzipLevel: 6 };
}

function cacheDirFor(spec: DatasetSpec): string {
  const hash = createHash('sha256').update(JSON.stringify(spec)).digest('hex').slice(0, 12);
  const root = process.env['NIGHTSHIFT_BENCH_CACHE'] ?? join(tmpdir(), 'nightshift-bench');
  return join(root, `rollup-${hash}`);
}

/** The spec's local days (DST-correct: days of 23, 24 or 25 hours), with `margin` more either side. */
export function localDaysOf(spec: DatasetSpec, margin = 0): Period[] {
  const options = { timezone: spec.timezone, weekStartsOn: 'monday' as const };
  let day = parsePeriodKey(spec.firstDay, options);
  for (let i = 0; i < margin; i++) day = previousPeriod('day', day.start, options);
  const days = [day];
  while (days.length < spec.days + 2 * margin) days.push((day = nextPeriod(day, options)));
  return days;
}

function timeRange(spec: DatasetSpec): { fromMs: number; toMs: number } {
  const days = localDaysOf(spec);
  return { fromMs: days[0]?.start.getTime() ?? 0, toMs: days.at(-1)?.end.getTime() ?? 0 };
}

async function loadCached(dir: string, spec: DatasetSpec): Promise<DatasetFile[] | undefined> {
  let manifest: Manifest;
  try {
    manifest = JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8')) as Manifest;
  } catch {
    return undefined;
  }
  if (JSON.stringify(manifest.spec) !== JSON.stringify(spec) || manifest.files.length !== spec.files) return undefined;
  const files: DatasetFile[] = [];
  for (const entry of manifest.files) {
    const path = join(dir, entry.name);
    const size = await stat(path).then((s) => s.size, () => -1);
    if (size !== entry.gzBytes) return undefined;
    files.push({ path, events: entry.events, rawBytes: entry.rawBytes, gzBytes: entry.gzBytes });
  }
  return files;
}

async function writeFileOfEvents(path: string, spec: DatasetSpec, index: number, fromMs: number, toMs: number): Promise<DatasetFile> {
  const events = Math.floor(spec.events / spec.files) + (index < spec.events % spec.files ? 1 : 0);
  // Each file has its own stream of random numbers, so files do not depend on each other.
  const random = seededRandom(spec.seed * 1000 + index);
  let rawBytes = 0;
  const counted = function* (): Generator<Buffer> {
    for (const batch of eventBatches(random, events, fromMs, toMs)) {
      const buffer = Buffer.from(batch, 'utf8');
      rawBytes += buffer.byteLength;
      yield buffer;
    }
  };
  const partial = `${path}.partial`;
  await pipeline(Readable.from(counted()), createGzip({ level: spec.gzipLevel }), createWriteStream(partial));
  await rename(partial, path);
  return { path, events, rawBytes, gzBytes: (await stat(path)).size };
}

/**
 * The benchmark's files: `spec.files` gzip NDJSON objects, file i holding the events of the i-th
 * slice of the time range (as hourly ingest objects would). Reused from the cache directory when
 * its manifest matches the spec; otherwise generated there.
 */
export async function prepareDataset(spec: DatasetSpec, options: { fresh: boolean; log: (line: string) => void }): Promise<Dataset> {
  const dir = cacheDirFor(spec);
  const started = performance.now();
  let files = options.fresh ? undefined : await loadCached(dir, spec);
  const reused = files !== undefined;
  if (files === undefined) {
    options.log(`generating ${spec.events.toLocaleString('en-US')} events into ${dir} …`);
    await rm(dir, { recursive: true, force: true });
    await mkdir(dir, { recursive: true });
    const { fromMs, toMs } = timeRange(spec);
    const slice = (toMs - fromMs) / spec.files;
    files = [];
    for (let i = 0; i < spec.files; i++) {
      const path = join(dir, `events-${String(i).padStart(2, '0')}.ndjson.gz`);
      files.push(await writeFileOfEvents(path, spec, i, Math.floor(fromMs + i * slice), Math.floor(fromMs + (i + 1) * slice)));
    }
    const manifest: Manifest = {
      spec,
      files: files.map(({ path, ...rest }) => ({ name: path.slice(dir.length + 1), ...rest })),
      generatedAt: new Date().toISOString(),
    };
    await writeFile(join(dir, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  }
  const sum = (pick: (file: DatasetFile) => number): number => files.reduce((total, file) => total + pick(file), 0);
  return {
    spec,
    dir,
    files,
    events: sum((f) => f.events),
    rawBytes: sum((f) => f.rawBytes),
    gzBytes: sum((f) => f.gzBytes),
    reused,
    generateSeconds: (performance.now() - started) / 1000,
  };
}
