import { setTimeout as sleep } from 'node:timers/promises';
import { main } from './main';

/** The real process: stdout/stderr, the environment, and the exit code. */
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  // `nightshift jobs list | head` closes the pipe early; that is not a failure.
  if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw error;
});

process.exitCode = await main(process.argv.slice(2), {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  stderrIsTty: process.stderr.isTTY === true,
  env: process.env,
  sleep: (ms) => sleep(ms),
  now: () => new Date(),
});

// Nothing is left to do once `main` has returned, but Node's fetch keeps its connection to the API
// open a while longer (a quarter of a second or so): exit once what was written is flushed (writes
// to a pipe may still be queued on some systems), instead of waiting for that connection.
process.stdout.write('', () => process.stderr.write('', () => process.exit()));
