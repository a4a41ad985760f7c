// s3rver in its own Node process. It runs apart from the local cloud because s3rver's
// ListObjectsV2 continuation tokens use a cipher that needs `--openssl-legacy-provider`, which
// the parent should not have to run with. Plain JS so it starts without tsx.
//
// Usage: node --openssl-legacy-provider s3rver-process.mjs <port> <directory>
// Prints `S3RVER_READY <port>` once listening; exits 0 on SIGTERM/SIGINT or when the parent goes
// away (stdin closes), so it never outlives the process that started it.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const S3rver = require('s3rver');

const [portArg, directory] = process.argv.slice(2);
const port = Number(portArg);
if (!Number.isInteger(port) || port <= 0 || !directory) {
  console.error('usage: s3rver-process.mjs <port> <directory>');
  process.exit(2);
}

const server = new S3rver({ address: '127.0.0.1', port, directory, silent: true });

let stopping = false;
async function shutdown(reason) {
  if (stopping) return;
  stopping = true;
  console.log(`S3RVER_STOPPING ${reason}`);
  // close() waits for in-flight requests; a client holding a request open must not keep the
  // process alive, so connections are cut after a grace period and the process exits regardless.
  const cut = setTimeout(() => server.httpServer?.closeAllConnections?.(), 1000);
  const hard = setTimeout(() => process.exit(0), 2500);
  cut.unref();
  hard.unref();
  try {
    await server.close();
  } catch (error) {
    console.error(`s3rver close failed: ${error instanceof Error ? error.message : String(error)}`);
  }
  process.exit(0);
}

process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('SIGINT', () => void shutdown('SIGINT'));
process.stdin.on('end', () => void shutdown('parent gone'));
process.stdin.on('error', () => void shutdown('parent gone'));
process.stdin.resume();

try {
  const address = await server.run();
  console.log(`S3RVER_READY ${address.port}`);
} catch (error) {
  console.error(`s3rver failed to start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
