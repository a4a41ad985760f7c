import { createHash } from 'node:crypto';
import { gunzipSync, gzipSync } from 'node:zlib';
import { HeadObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ArtifactNotFoundError } from '../../functions/core/storage/errors';
import { createTestStorage, type TestStorage } from '../helpers/storage';

async function readAll(body: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const chunks: Uint8Array[] = [];
  for await (const chunk of body) chunks.push(chunk);
  return Buffer.concat(chunks);
}

/** Runs `action` and reports the S3 commands it sent, through a temporary client middleware. */
async function recordingCommands<T>(s3: S3Client, action: () => Promise<T>): Promise<{ result: T; commands: string[] }> {
  const commands: string[] = [];
  s3.middlewareStack.add(
    (next, context) => (args) => {
      commands.push(context.commandName ?? 'unknown');
      return next(args);
    },
    { step: 'initialize', name: 'recordCommands' },
  );
  try {
    return { result: await action(), commands };
  } finally {
    s3.middlewareStack.remove('recordCommands');
  }
}

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const all: T[] = [];
  for await (const item of items) all.push(item);
  return all;
}

/** Deterministic, incompressible-looking bytes, generated chunk by chunk and never held whole. */
async function* pseudoRandomBody(totalBytes: number, chunkBytes: number, digest: ReturnType<typeof createHash>): AsyncGenerator<Uint8Array> {
  let state = 0x2545f491;
  for (let sent = 0; sent < totalBytes; sent += chunkBytes) {
    const chunk = new Uint8Array(Math.min(chunkBytes, totalBytes - sent));
    for (let index = 0; index < chunk.length; index += 1) {
      state = (state * 1103515245 + 12345) >>> 0;
      chunk[index] = state >>> 24;
    }
    digest.update(chunk);
    yield chunk;
  }
}

describe('S3ArtifactStore', () => {
  let storage: TestStorage;

  beforeAll(async () => {
    storage = await createTestStorage('artifact-store');
  });

  afterAll(async () => {
    await storage.destroy();
  });

  it('stores a string and reads it back with its UTF-8 size', async () => {
    // Prepare
    const text = 'metric,day,count\norders,2026-11-22,42\ncafé ☕,2026-11-22,7\n';

    // Act
    const stored = await storage.artifactStore.put('strings/report.csv', text, 'text/csv');
    const readBack = await storage.artifactStore.getText('strings/report.csv');

    // Assess
    expect(stored).toEqual({ key: 'strings/report.csv', size: Buffer.byteLength(text, 'utf8') });
    expect(readBack).toBe(text);
  });

  it('stores bytes and reads them back identical', async () => {
    // Prepare
    const bytes = Uint8Array.from({ length: 4096 }, (_, index) => (index * 31) % 256);

    // Act
    const stored = await storage.artifactStore.put('bytes/blob.bin', bytes, 'application/octet-stream');
    const readBack = await readAll(await storage.artifactStore.get('bytes/blob.bin'));

    // Assess
    expect(stored.size).toBe(4096);
    expect(Buffer.compare(readBack, Buffer.from(bytes))).toBe(0);
  });

  it('streams a 12 MB async-iterable body up as a multipart upload and reads it back byte-identical', async () => {
    // Prepare
    const totalBytes = 12 * 1024 * 1024 + 12_345;
    const sentDigest = createHash('sha256');
    const body = pseudoRandomBody(totalBytes, 64 * 1024, sentDigest);

    // Act
    const { result: stored, commands } = await recordingCommands(storage.s3, () =>
      storage.artifactStore.put('streams/large.bin', body, 'application/octet-stream'),
    );
    const readDigest = createHash('sha256');
    let readBytes = 0;
    for await (const chunk of await storage.artifactStore.get('streams/large.bin')) {
      readDigest.update(chunk);
      readBytes += chunk.byteLength;
    }
    const head = await storage.s3.send(new HeadObjectCommand({ Bucket: storage.names.bucket, Key: 'streams/large.bin' }));

    // Assess
    expect(stored).toEqual({ key: 'streams/large.bin', size: totalBytes });
    expect(readBytes).toBe(totalBytes);
    expect(head.ContentLength).toBe(totalBytes);
    expect(readDigest.digest('hex')).toBe(sentDigest.digest('hex'));
    // 12 MB in 5 MiB parts is 3 parts. (s3rver's ETag does not show the part count, as S3's does.)
    expect(commands.filter((name) => name === 'UploadPartCommand')).toHaveLength(3);
    expect(commands).toContain('CreateMultipartUploadCommand');
    expect(commands).toContain('CompleteMultipartUploadCommand');
    expect(commands).not.toContain('PutObjectCommand');
  }, 60_000);

  it('keeps a gzip object as stored bytes, not decompressed on the way back', async () => {
    // Prepare
    const ndjson = Array.from({ length: 200 }, (_, index) => JSON.stringify({ metric: 'orders', ts: `2026-11-22T10:${String(index % 60).padStart(2, '0')}:00Z`, value: index })).join('\n');
    const gz = gzipSync(ndjson);
    const key = 'events/dt=2026-11-22/hour=10/01JDQ8Z.ndjson.gz';

    // Act
    const stored = await storage.artifactStore.put(key, gz, 'application/gzip');
    const readBack = await readAll(await storage.artifactStore.get(key));
    const head = await storage.s3.send(new HeadObjectCommand({ Bucket: storage.names.bucket, Key: key }));

    // Assess
    expect(stored.size).toBe(gz.byteLength);
    expect(Buffer.compare(readBack, gz)).toBe(0);
    expect(gunzipSync(readBack).toString('utf8')).toBe(ndjson);
    expect(head.ContentType).toBe('application/gzip');
    expect(head.ContentEncoding).toBeUndefined();
  });

  describe('list', () => {
    const count = 1_100;
    const keyOf = (index: number): string => `listing/item-${String(index).padStart(5, '0')}.json`;

    beforeAll(async () => {
      const indexes = Array.from({ length: count }, (_, index) => index);
      // Bounded concurrency: s3rver writes each object as files on disk.
      for (let start = 0; start < count; start += 50) {
        await Promise.all(indexes.slice(start, start + 50).map((index) => storage.artifactStore.put(keyOf(index), `{"n":${index}}`, 'application/json')));
      }
      await storage.artifactStore.put('listing-other/outside.json', '{}', 'application/json');
    }, 120_000);

    it('yields every object under the prefix, in key order, across pages', async () => {
      // Prepare
      const expectedKeys = Array.from({ length: count }, (_, index) => keyOf(index));

      // Act
      const { result: objects, commands } = await recordingCommands(storage.s3, () => collect(storage.artifactStore.list('listing/')));

      // Assess
      expect(objects.map((object) => object.key)).toEqual(expectedKeys);
      expect(commands.filter((name) => name === 'ListObjectsV2Command')).toHaveLength(2);
      const first = objects[0];
      expect(first?.size).toBe(Buffer.byteLength('{"n":0}'));
      expect(first?.etag).toMatch(/^[0-9a-f]{32}$/);
      expect(first?.lastModified).toBeInstanceOf(Date);
      expect(Number.isNaN(first?.lastModified.getTime())).toBe(false);
    });

    it('starts after the given key', async () => {
      // Prepare
      const startAfter = keyOf(549);

      // Act
      const objects = await collect(storage.artifactStore.list('listing/', startAfter));

      // Assess
      expect(objects).toHaveLength(count - 550);
      expect(objects[0]?.key).toBe(keyOf(550));
      expect(objects.at(-1)?.key).toBe(keyOf(count - 1));
    });

    it('yields nothing for a prefix with no objects', async () => {
      // Act
      const objects = await collect(storage.artifactStore.list('nothing-here/'));

      // Assess
      expect(objects).toEqual([]);
    });
  });

  it('throws ArtifactNotFoundError for a missing key', async () => {
    // Act
    const outcome = await storage.artifactStore.get('missing/nothing.json').catch((thrown: unknown) => thrown);

    // Assess
    expect(outcome).toBeInstanceOf(ArtifactNotFoundError);
    expect(outcome).toMatchObject({ code: 'artifact_not_found', key: 'missing/nothing.json' });
  });

  it('presigns a URL that a plain HTTP client can download', async () => {
    // Prepare
    const text = 'day,orders\n2026-11-22,42\n';
    await storage.artifactStore.put('exports/metrics-weekly-20261122.csv', text, 'text/csv');

    // Act
    const url = await storage.artifactStore.presignGet('exports/metrics-weekly-20261122.csv', 300);
    const response = await fetch(url);

    // Assess
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/csv');
    expect(await response.text()).toBe(text);
    expect(new URL(url).searchParams.get('X-Amz-Expires')).toBe('300');
  });
});
