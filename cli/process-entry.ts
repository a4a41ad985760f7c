import { setTimeout as sleep } from 'node:timers/promises';
import { main } from './main';

/** The real process: stdout/stderr, the environment, and the exit code (set, not forced, so output drains). */
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
