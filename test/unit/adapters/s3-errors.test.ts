import {
  GetObjectCommand,
  ListObjectsV2Command,
  NoSuchBucket,
  NoSuchKey,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { S3ArtifactStore } from '../../../functions/adapters/s3/artifact-store';
import { translateS3Error } from '../../../functions/adapters/s3/errors';
import { StorageFailedError } from '../../../functions/core/storage/errors';
import { NightshiftError } from '../../../functions/core/errors';
import {
  ArtifactNotFoundError,
  StorageAccessDeniedError,
  StorageError,
  StorageMisconfiguredError,
  StorageThrottledError,
  StorageUnavailableError,
} from '../../../functions/core/storage/errors';

const KEY = 'exports/metrics-weekly-20261122.csv';

function serviceError(name: string, status: number): S3ServiceException {
  return new S3ServiceException({ name, $fault: status >= 500 ? 'server' : 'client', $metadata: { httpStatusCode: status }, message: name });
}

function networkError(code: string): Error {
  return Object.assign(new Error(`connect ${code} 127.0.0.1:9`), { code, errno: -111, syscall: 'connect' });
}

type ErrorClass = abstract new (...args: never[]) => Error;

/** Each SDK failure and the Nightshift error (and code) it must become when a key is involved. */
const CASES: Array<{ kind: string; error: () => Error; expected: ErrorClass; code: string }> = [
  { kind: 'NoSuchKey', error: () => new NoSuchKey({ message: 'gone', $metadata: { httpStatusCode: 404 } }), expected: ArtifactNotFoundError, code: 'artifact_not_found' },
  { kind: 'NotFound (HEAD) 404', error: () => serviceError('NotFound', 404), expected: ArtifactNotFoundError, code: 'artifact_not_found' },
  { kind: 'NoSuchBucket', error: () => new NoSuchBucket({ message: 'no bucket', $metadata: { httpStatusCode: 404 } }), expected: StorageMisconfiguredError, code: 'storage_misconfigured' },
  { kind: 'AccessDenied', error: () => serviceError('AccessDenied', 403), expected: StorageAccessDeniedError, code: 'storage_access_denied' },
  { kind: 'unnamed 403', error: () => serviceError('UnknownError', 403), expected: StorageAccessDeniedError, code: 'storage_access_denied' },
  { kind: 'SlowDown', error: () => serviceError('SlowDown', 503), expected: StorageThrottledError, code: 'storage_throttled' },
  { kind: 'Throttling', error: () => serviceError('Throttling', 400), expected: StorageThrottledError, code: 'storage_throttled' },
  { kind: 'ECONNREFUSED', error: () => networkError('ECONNREFUSED'), expected: StorageUnavailableError, code: 'storage_unavailable' },
  { kind: 'ECONNREFUSED inside an AggregateError', error: () => new AggregateError([networkError('ECONNREFUSED')], 'connect failed'), expected: StorageUnavailableError, code: 'storage_unavailable' },
  { kind: 'TimeoutError', error: () => Object.assign(new Error('socket timed out'), { name: 'TimeoutError' }), expected: StorageUnavailableError, code: 'storage_unavailable' },
  { kind: 'InternalError 500', error: () => serviceError('InternalError', 500), expected: StorageUnavailableError, code: 'storage_unavailable' },
  { kind: 'an unexpected SDK error', error: () => serviceError('InvalidArgument', 400), expected: StorageFailedError, code: 'storage_failed' },
];

describe('translateS3Error', () => {
  it.each(CASES)('turns $kind into $code with the SDK error as cause', ({ error, expected, code }) => {
    // Prepare
    const original = error();

    // Act
    const translated = translateS3Error(original, `get ${KEY}`, KEY);

    // Assess
    expect(translated).toBeInstanceOf(expected);
    expect(translated).toBeInstanceOf(StorageError);
    expect(translated).toMatchObject({ code, cause: original });
  });

  it('treats a 404 without a key as a missing bucket, not a missing artifact', () => {
    // Prepare
    const original = serviceError('NotFound', 404);

    // Act
    const translated = translateS3Error(original, 'list exports/');

    // Assess
    expect(translated).toBeInstanceOf(StorageMisconfiguredError);
    expect(translated.cause).toBe(original);
  });

  it('passes Nightshift errors through unchanged', () => {
    // Prepare
    const original = new ArtifactNotFoundError(KEY);

    // Act
    const translated = translateS3Error(original, `get ${KEY}`, KEY);

    // Assess
    expect(translated).toBe(original);
  });

  it('names the operation and the key, but not the SDK message, in the error it returns', () => {
    // Prepare
    const original = serviceError('InvalidArgument', 400);

    // Act
    const translated = translateS3Error(original, `put ${KEY}`, KEY);

    // Assess
    expect(translated.message).toBe(`put ${KEY} (InvalidArgument, HTTP 400) failed`);
    expect((translated as NightshiftError).toJSON()).toEqual({ code: 'storage_failed', message: translated.message });
  });
});

describe('S3ArtifactStore error translation', () => {
  const s3 = new S3Client({ region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' }, maxAttempts: 1 });
  const s3Mock = mockClient(s3);
  const store = new S3ArtifactStore(s3, 'artifacts');

  beforeEach(() => {
    s3Mock.reset();
  });

  afterEach(() => {
    s3Mock.reset();
  });

  const operations: Array<{ name: string; fail: (error: Error) => void; run: () => Promise<unknown>; keyed: boolean }> = [
    { name: 'get', fail: (error) => s3Mock.on(GetObjectCommand).rejects(error), run: () => store.get(KEY), keyed: true },
    { name: 'getText', fail: (error) => s3Mock.on(GetObjectCommand).rejects(error), run: () => store.getText(KEY), keyed: true },
    {
      name: 'put',
      fail: (error) => s3Mock.on(PutObjectCommand).rejects(error),
      run: () => store.put(KEY, 'a,b\n1,2\n', 'text/csv'),
      keyed: true,
    },
    {
      name: 'list',
      fail: (error) => s3Mock.on(ListObjectsV2Command).rejects(error),
      run: async () => {
        const keys: string[] = [];
        for await (const object of store.list('exports/')) keys.push(object.key);
        return keys;
      },
      keyed: false,
    },
  ];

  const cases = operations.flatMap((operation) =>
    CASES.filter((sdkCase) => operation.keyed || sdkCase.expected !== ArtifactNotFoundError).map((sdkCase) => ({
      ...sdkCase,
      operation,
      label: `${operation.name}: ${sdkCase.kind}`,
    })),
  );

  it.each(cases)('$label becomes $code with the SDK error as cause', async ({ operation, error, expected, code }) => {
    // Prepare
    const original = error();
    operation.fail(original);

    // Act
    const outcome = await operation.run().then(
      () => undefined,
      (thrown: unknown) => thrown,
    );

    // Assess
    expect(outcome).toBeInstanceOf(expected);
    expect(outcome).toMatchObject({ code, cause: original });
  });

  it('reports a missing object on get with the key', async () => {
    // Prepare
    s3Mock.on(GetObjectCommand).rejects(new NoSuchKey({ message: 'gone', $metadata: { httpStatusCode: 404 } }));

    // Act
    const outcome = await store.get(KEY).catch((thrown: unknown) => thrown);

    // Assess
    expect(outcome).toBeInstanceOf(ArtifactNotFoundError);
    expect(outcome).toMatchObject({ key: KEY, message: `no artifact at ${KEY}` });
  });

  it('lets a failure of the body source surface as itself, not as a storage error', async () => {
    // Prepare
    const sourceFailure = new Error('the CSV writer broke');
    async function* failingBody(): AsyncGenerator<Uint8Array> {
      yield new TextEncoder().encode('a,b\n');
      throw sourceFailure;
    }
    s3Mock.on(PutObjectCommand).resolves({});

    // Act
    const outcome = await store.put(KEY, failingBody(), 'text/csv').catch((thrown: unknown) => thrown);

    // Assess
    expect(outcome).toBe(sourceFailure);
  });
});
