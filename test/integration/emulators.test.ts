import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDynamoDbClient, createS3Client, documentClientFor } from '../../functions/adapters/aws-clients';
import { S3ArtifactStore } from '../../functions/adapters/s3/artifact-store';
import { EmulatorStartError, startEmulators, type Emulators } from '../../infra/local/emulators';
import { findFreePort } from '../../infra/local/free-port';
import { provisionStorage } from '../../infra/local/provision';

const NAMES = { jobsTable: 'nightshift-jobs', analyticsTable: 'nightshift-analytics', bucket: 'nightshift-artifacts' };
const REGION = 'us-east-1';

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Provisions (idempotently) and returns the clients for one emulator session. */
async function connect(emulators: Emulators) {
  const dynamodb = createDynamoDbClient({ region: REGION, endpoint: emulators.dynamodbEndpoint });
  const s3 = createS3Client({ region: REGION, endpoint: emulators.s3Endpoint });
  await provisionStorage({ dynamodb, s3, names: NAMES });
  return {
    documents: documentClientFor(dynamodb),
    artifacts: new S3ArtifactStore(s3, NAMES.bucket),
    close: () => {
      dynamodb.destroy();
      s3.destroy();
    },
  };
}

describe('startEmulators with a data directory', () => {
  let dataDir: string;
  let ports: { dynamodb: number; s3: number };
  let running: Emulators | undefined;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'nightshift-emulators-test-'));
    const dynamodb = await findFreePort();
    let s3 = await findFreePort();
    while (s3 === dynamodb) s3 = await findFreePort();
    ports = { dynamodb, s3 };
  });

  afterAll(async () => {
    await running?.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('keeps tables, items and objects across a stop and a restart, and leaves no process behind', async () => {
    // Prepare
    const first = await startEmulators({ dataDir, dynamodbPort: ports.dynamodb, s3Port: ports.s3 });
    running = first;
    const firstSession = await connect(first);
    await firstSession.documents.send(
      new PutCommand({ TableName: NAMES.jobsTable, Item: { id: '01JDQ8Z0000000000000000000', type: 'rollup', status: 'succeeded' } }),
    );
    await firstSession.artifacts.put('snapshots/daily/2026-11-22.json', '{"orders":42}', 'application/json');
    firstSession.close();

    // Act
    await first.stop();
    running = undefined;
    const pidsAfterStop = { dynamodb: isAlive(first.pids.dynamodb), s3: isAlive(first.pids.s3) };
    const second = await startEmulators({ dataDir, dynamodbPort: ports.dynamodb, s3Port: ports.s3 });
    running = second;
    const secondSession = await connect(second);
    const item = await secondSession.documents.send(new GetCommand({ TableName: NAMES.jobsTable, Key: { id: '01JDQ8Z0000000000000000000' } }));
    const object = await secondSession.artifacts.getText('snapshots/daily/2026-11-22.json');
    secondSession.close();
    await second.stop();
    running = undefined;

    // Assess
    expect(first.dynamodbEndpoint).toBe(`http://127.0.0.1:${ports.dynamodb}`);
    expect(first.s3Endpoint).toBe(`http://127.0.0.1:${ports.s3}`);
    expect(pidsAfterStop).toEqual({ dynamodb: false, s3: false });
    expect(item.Item).toEqual({ id: '01JDQ8Z0000000000000000000', type: 'rollup', status: 'succeeded' });
    expect(object).toBe('{"orders":42}');
    expect(isAlive(second.pids.dynamodb)).toBe(false);
    expect(isAlive(second.pids.s3)).toBe(false);
  }, 120_000);

  it('lets stop() be called twice', async () => {
    // Prepare
    const emulators = await startEmulators({ dataDir });
    running = emulators;

    // Act
    await Promise.all([emulators.stop(), emulators.stop()]);
    await emulators.stop();
    running = undefined;

    // Assess
    expect(isAlive(emulators.pids.dynamodb)).toBe(false);
    expect(isAlive(emulators.pids.s3)).toBe(false);
  }, 120_000);
});

describe('startEmulators readiness', () => {
  it('fails with the emulator output when a child exits before it is ready, leaving no process behind', async ({ skip }) => {
    // Prepare: a listener on the IPv6 wildcard only passes the IPv4 free-port checks, but
    // DynamoDB Local binds every interface, IPv6 included, so it exits at start.
    const blocker = createServer();
    const listening = await new Promise<boolean>((resolve) => {
      blocker.once('error', () => resolve(false));
      blocker.listen({ port: 0, host: '::', ipv6Only: true }, () => resolve(true));
    });
    if (!listening) skip('no IPv6 on this machine');
    const address = blocker.address();
    const blockedPort = typeof address === 'object' && address !== null ? address.port : 0;
    const lines: string[] = [];

    // Act
    const outcome = await startEmulators({ dynamodbPort: blockedPort, onLog: (line) => lines.push(line) }).catch(
      (thrown: unknown) => thrown,
    );
    await new Promise((resolve) => blocker.close(resolve));

    // Assess
    expect(outcome).toBeInstanceOf(EmulatorStartError);
    const message = outcome instanceof Error ? outcome.message : '';
    expect(message).toContain('dynamodb exited before it was ready');
    expect(message).toMatch(/Address already in use|BindException/);
    expect(lines.some((line) => line.startsWith('s3: process exited'))).toBe(true);
  }, 60_000);
});
