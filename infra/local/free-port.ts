import { createServer } from 'node:net';

/**
 * Both hosts are checked because the emulators differ: s3rver binds 127.0.0.1 only, DynamoDB Local
 * binds every interface. A port held on either one would make one of them fail to start.
 */
const HOSTS = ['127.0.0.1', '0.0.0.0'] as const;

/** Resolves to the bound port, or `undefined` when the port cannot be bound on that host. */
function tryListen(port: number, host: string): Promise<number | undefined> {
  return new Promise((resolve) => {
    const server = createServer();
    server.unref();
    server.once('error', () => resolve(undefined));
    server.listen({ port, host, exclusive: true }, () => {
      const address = server.address();
      const bound = typeof address === 'object' && address !== null ? address.port : undefined;
      server.close(() => resolve(bound));
    });
  });
}

async function isFreeEverywhere(port: number): Promise<boolean> {
  for (const host of HOSTS) {
    if ((await tryListen(port, host)) === undefined) return false;
  }
  return true;
}

/**
 * The preferred port when it is free on 127.0.0.1 and 0.0.0.0, otherwise one the OS hands out.
 * The port is released before returning, so another process could still take it before the
 * caller binds it; callers that start servers should be ready to report a bind failure.
 */
export async function findFreePort(preferred?: number): Promise<number> {
  if (preferred !== undefined && preferred > 0 && (await isFreeEverywhere(preferred))) return preferred;

  // The OS picks a port free on 0.0.0.0; it is re-checked on 127.0.0.1, and the rare port that is
  // taken there (another process bound to loopback only) is skipped.
  for (let attempt = 0; attempt < 20; attempt += 1) {
    const candidate = await tryListen(0, '0.0.0.0');
    if (candidate !== undefined && (await isFreeEverywhere(candidate))) return candidate;
  }
  throw new Error('could not find a free TCP port on 127.0.0.1 and 0.0.0.0');
}
