/**
 * How a schedule's delivery is retried before it goes to the dead-letter queue: the deployed
 * schedules' retry policy (infra/stacks/stateless-stack.ts) and the local scheduler's, so a local
 * outage dead-letters the slots a deployed one would. An hour covers a throttled or briefly broken
 * function; a slot older than that is the sweeper's to catch up.
 */
export const scheduleRetryPolicy = { maximumRetryAttempts: 3, maximumEventAgeInSeconds: 3600 };

/**
 * The wait before retry `attempt + 1`: Scheduler backs off exponentially without saying by how
 * much; one minute doubling, at most fifteen (as the deploy rehearsal's Scheduler does).
 */
export function scheduleRetryBackoffMs(attempt: number): number {
  return Math.min(60_000 * 2 ** attempt, 15 * 60_000);
}
