import type { JobServices, JobTypeDefinition } from '../job-type-definition';
import { drainScheduleDeadLetters } from '../../core/jobs/slots/dead-letters';
import { timeOutStaleRuns } from './time-out-stale-runs';
import { reinvokeLostRuns } from './reinvoke-lost-runs';
import { catchUpMissingPeriods } from './catch-up-missing-periods';
import { publishJobHealth } from './publish-job-health';
import { publishSlotsMissed } from './publish-slots-missed';
import { sweeperParams, type SweeperParams } from './params';

export const sweeperJob = {
  type: 'sweeper',
  description: 'Marks runs past their deadline timed_out, records dead-lettered schedule deliveries and catches up scheduled periods that never succeeded.',
  params: sweeperParams,
  timeoutMs: 110_000,
  singleFlight: { lease: 'sweeper', ttlMs: 60_000 },
  periodTypes: [],
  function: { entry: 'functions/jobs/sweeper/handler.ts', memoryMb: 256, maxConcurrency: 1 },
  // Times out stale runs, drains the schedules' dead letters and catches up missed periods: the
  // ledger, invokes and the dead-letter queue, no data.
  access: { jobs: 'RW', invokes: 'all-jobs', drainsScheduleDeadLetters: true },
  async run({ deps, log, signal }, { scheduleDeadLetters }) {
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
  },
} satisfies JobTypeDefinition<SweeperParams, Pick<JobServices, 'scheduleDeadLetters'>>;
