import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GetItemCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { parseSignature, SignatureError, verifySignature, type SignedRequest } from '../../../infra/rehearse/sigv4';
import { decodeAwsChunked } from '../../../infra/rehearse/aws/s3';

const credentials = { accessKeyId: 'ASIAREHEARSALTEST', secretAccessKey: 'secret/with+chars', sessionToken: 'session-token' };
let endpoint: string;
const captured: SignedRequest[] = [];
const server = createServer((req: IncomingMessage, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', () => {
    captured.push({ method: req.method ?? 'GET', url: req.url ?? '/', headers: req.headers, body: Buffer.concat(chunks) });
    res.writeHead(200, { 'content-type': 'application/x-amz-json-1.0' });
    res.end('{}');
  });
});

beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

async function capturedDynamoDbRequest(): Promise<SignedRequest> {
  const client = new DynamoDBClient({ region: 'us-east-1', endpoint, credentials, maxAttempts: 1 });
  await client.send(new GetItemCommand({ TableName: 'Jobs-ABC', Key: { id: { S: 'run 1/ü' } } }));
  client.destroy();
  const request = captured.pop();
  if (!request) throw new Error('no request captured');
  return request;
}

describe('SigV4 as the rehearsal endpoint checks it', () => {
  it('names the caller and service from the credential scope and accepts the SDK signature', async () => {
    // Prepare
    const request = await capturedDynamoDbRequest();

    // Act
    const signature = parseSignature(request);

    // Assess
    expect(signature).toMatchObject({ accessKeyId: credentials.accessKeyId, service: 'dynamodb', region: 'us-east-1', securityToken: 'session-token', presigned: false });
    expect(() => verifySignature(request, signature, credentials.secretAccessKey)).not.toThrow();
  });

  it('refuses a changed body and a wrong secret', async () => {
    // Prepare
    const request = await capturedDynamoDbRequest();
    const signature = parseSignature(request);
    const tampered = { ...request, body: Buffer.from(request.body.toString().replace('Jobs-ABC', 'Jobs-XYZ')) };

    // Act & Assess
    expect(() => verifySignature(tampered, signature, credentials.secretAccessKey)).toThrow(SignatureError);
    expect(() => verifySignature(request, signature, 'another secret')).toThrow(/does not match/);
  });

  it('verifies a presigned S3 link and reads its expiry', async () => {
    // Prepare
    const s3 = new S3Client({ region: 'us-east-1', endpoint, credentials, forcePathStyle: true });
    const url = new URL(await getSignedUrl(s3, new GetObjectCommand({ Bucket: 'artifacts', Key: 'exports/metrics weekly=1.csv' }), { expiresIn: 900 }));
    const request: SignedRequest = { method: 'GET', url: `${url.pathname}${url.search}`, headers: { host: url.host }, body: Buffer.alloc(0) };

    // Act
    const signature = parseSignature(request);

    // Assess
    expect(signature.presigned).toBe(true);
    expect(signature.service).toBe('s3');
    expect(signature.expiresAt).toBeGreaterThan(Date.now() + 890_000);
    expect(() => verifySignature(request, signature, credentials.secretAccessKey)).not.toThrow();
    expect(() => verifySignature({ ...request, url: request.url.replace('weekly', 'daily') }, signature, credentials.secretAccessKey)).toThrow(SignatureError);
  });

  it('decodes an aws-chunked body with a trailing checksum to the object bytes', () => {
    // Prepare
    const body = Buffer.from('5\r\nhello\r\n6\r\n world\r\n0\r\nx-amz-checksum-crc32:AAAAAA==\r\n\r\n');

    // Act
    const decoded = decodeAwsChunked(body);

    // Assess
    expect(decoded.toString()).toBe('hello world');
  });
});
