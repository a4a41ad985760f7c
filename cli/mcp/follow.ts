import * as z from 'zod';
import { followRun, type FollowResult } from '../follow-run';
import { formatDuration } from '../output';
import type { ToolContext } from './tool';

/**
 * The default bound of `wait`. MCP clients time a call out (the SDK's client after 60 s unless
 * progress resets it; desktop apps similarly), so a wait that ends first returns the run as it
 * is, still going, rather than a timeout the model cannot act on.
 */
export const DEFAULT_WAIT_SECONDS = 45;
export const MAX_WAIT_SECONDS = 600;
/** While a followed run goes on, a progress notification at least this often (clients that reset their timeout on progress keep waiting). */
const HEARTBEAT_MS = 10_000;

/** The inputs of every tool that can follow the run it starts. */
export const waitInputs = {
  wait: z.boolean().default(false).describe('Follow the run until it ends and return its outcome (polls the run; a run whose period was already covered is followed to the run holding it). Default false: return as soon as the run is queued.'),
  waitSeconds: z
    .number()
    .int()
    .min(1)
    .max(MAX_WAIT_SECONDS)
    .default(DEFAULT_WAIT_SECONDS)
    .describe(`With wait: the most seconds to wait (default ${DEFAULT_WAIT_SECONDS}). If the run has not ended by then it goes on; the answer says so and get_job follows it. Many clients cancel a call after about 60 s.`),
};

/** Follows a run for at most `waitSeconds`, reporting each status change as progress. */
export async function waitForRun(context: ToolContext, id: string, waitSeconds: number): Promise<FollowResult> {
  const started = context.now();
  let lastProgress = started;
  const progress = async (message: string) => {
    lastProgress = context.now();
    await context.progress(message);
  };
  return followRun(context.client, id, {
    intervalMs: context.pollIntervalMs,
    deadline: started + waitSeconds * 1000,
    now: context.now,
    async sleep(ms) {
      await context.sleep(ms);
      if (context.now() - lastProgress >= HEARTBEAT_MS) await progress(`still waiting after ${formatDuration(context.now() - started)}`);
    },
    onEvent: (event) => progress(event.kind === 'status' ? `run ${event.job.id} is ${event.job.status}` : `run ${event.from.id} was skipped: its period is held by ${event.to}; following that run`),
  });
}

/** The sentence for a run the wait gave up on. */
export function stillGoing(result: FollowResult, waitSeconds: number): string {
  return `run ${result.job.id} is still ${result.job.status} after ${waitSeconds} s of waiting; it goes on — follow it with get_job {"id": "${result.job.id}"}`;
}
