import type { NightshiftClient } from '../functions/client/api-client';
import { TERMINAL_STATUSES, type JobDetail, type JobStatus } from '../functions/client/types';

/** What following a run reports: each status change, and each hop from a skipped run to the run holding its period. */
export type FollowEvent = { kind: 'status'; job: JobDetail } | { kind: 'following'; from: JobDetail; to: string };

export interface FollowOptions {
  intervalMs: number;
  /** Stop following once `now()` reaches this (ms since the epoch); the run itself goes on. Default: never. */
  deadline?: number;
  now: () => number;
  /** Waits between polls; may reject (an aborted wait ends the follow with that error). */
  sleep: (ms: number) => Promise<void>;
  onEvent?: (event: FollowEvent) => void | Promise<void>;
}

export interface FollowResult {
  /** The last record seen: terminal when `finished`, else the run as it was at the deadline. */
  job: JobDetail;
  finished: boolean;
}

/**
 * Polls `GET /jobs/{id}` until the run ends or the deadline passes. A `skipped` run (its period
 * was already covered) is followed to the run that holds the period, which is the outcome the
 * caller is after. Shared by `jobs watch` / `--wait` and the MCP tools' `wait`, which only differ
 * in how they report progress.
 */
export async function followRun(client: NightshiftClient, id: string, options: FollowOptions): Promise<FollowResult> {
  let last: JobStatus | undefined;
  let current = id;
  for (;;) {
    const job = await client.getJob(current);
    if (job.status !== last) {
      last = job.status;
      await options.onEvent?.({ kind: 'status', job });
    }
    if (job.status === 'skipped' && job.skippedFor && job.skippedFor !== current) {
      await options.onEvent?.({ kind: 'following', from: job, to: job.skippedFor });
      current = job.skippedFor;
      last = undefined;
      continue;
    }
    if (TERMINAL_STATUSES.includes(job.status)) return { job, finished: true };
    if (options.deadline !== undefined && options.now() >= options.deadline) return { job, finished: false };
    await options.sleep(options.intervalMs);
  }
}
