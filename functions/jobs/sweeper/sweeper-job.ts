import type { JobDefinition } from '../../core/jobs/definition';
import { timeOutStaleRuns } from './time-out-stale-runs';
import { reinvokeLostRuns } from './reinvoke-lost-runs';
import { catchUpMissingPeriods } from './catch-up-missing-periods';
import { publishJobHealth } from './publish-job-health';
import { sweeperParams, type SweeperParams } from './params';

export const sweeperJob: JobDefinition<SweeperParams> = {
  type: 'sweeper',
  params: sweeperParams,
  timeoutMs: 100_000,
  singleFlight: { lease: 'sweeper', ttlMs: 60_000 },
  async run({ deps, log, signal }) {
    const timedOut = await timeOutStaleRuns(deps, log, signal);
    const reinvoked = await reinvokeLostRuns(deps, log, signal);
    const tasks = deps.catalog.schedules;
    const catchUp = await catchUpMissingPeriods(deps, tasks, log, signal);
    // Last, so the verdicts read a ledger that already holds this sweep's time-outs and catch-ups.
    const health = await publishJobHealth(deps, tasks);
    return {
      summary: {
        timedOut: timedOut.length,
        timedOutJobIds: timedOut,
        reinvoked: reinvoked.length,
        reinvokedJobIds: reinvoked,
        caughtUp: catchUp.started,
        missingPeriods: catchUp.missing,
        missingLeft: catchUp.missing - catchUp.started.length,
        ...(Object.keys(health).length > 0 ? { healthy: health } : {}),
      },
    };
  },
};
