import type { JobRun, JobServices } from '../job-type-definition';
import { drainScheduleDeadLetters } from '../../core/jobs/slots/dead-letters';
import { timeOutStaleRuns } from './time-out-stale-runs';
import { reinvokeLostRuns } from './reinvoke-lost-runs';
import { catchUpMissingPeriods } from './catch-up-missing-periods';
import { publishJobHealth } from './publish-job-health';
import { publishSlotsMissed } from './publish-slots-missed';
import type { SweeperParams } from './params';

/** One sweep: time-outs, lost runs, dead letters and catch-ups over the ledger, then health. */
export const sweeperRun: JobRun<SweeperParams, Pick<JobServices, 'scheduleDeadLetters'>> = async ({ deps, log, signal }, { scheduleDeadLetters }) => {
  const timedOut = await timeOutStaleRuns(deps, log, signal);
  const reinvoked = await reinvokeLostRuns(deps, log, signal);
  // Before the catch-up, so a dead-lettered slot is made up by this very sweep (as `dead_lettered`).
  const deadLetters = await drainScheduleDeadLetters(deps, scheduleDeadLetters, log, signal);
  const tasks = deps.catalog.schedules;
  const catchUp = await catchUpMissingPeriods(deps, tasks, log, signal);
  // Last, so the verdicts read a ledger that already holds this sweep's time-outs and catch-ups.
  const health = await publishJobHealth(deps, tasks);
  const slotsMissed = await publishSlotsMissed(deps, tasks);
  return {
    summary: {
      timedOut: timedOut.length,
      timedOutJobIds: timedOut,
      reinvoked: reinvoked.length,
      reinvokedJobIds: reinvoked,
      deadLettered: deadLetters.recorded,
      ...(deadLetters.refused > 0 ? { deadLettersLeft: deadLetters.refused } : {}),
      caughtUp: catchUp.started,
      missingPeriods: catchUp.missing,
      missingLeft: catchUp.missing - catchUp.started.length,
      ...(Object.keys(health).length > 0 ? { healthy: health } : {}),
      ...(Object.keys(slotsMissed).length > 0 ? { slotsMissed } : {}),
    },
  };
};
