import type { JobTypeDefinition } from '../job-type-definition';
import { timeOutStaleRuns } from './time-out-stale-runs';
import { reinvokeLostRuns } from './reinvoke-lost-runs';
import { catchUpMissingPeriods } from './catch-up-missing-periods';
import { publishJobHealth } from './publish-job-health';
import { publishSlotsMissed } from './publish-slots-missed';
import { sweeperParams, type SweeperParams } from './params';

export const sweeperJob = {
  type: 'sweeper',
  description: 'Marks runs past their deadline timed_out and catches up scheduled periods that never succeeded.',
  params: sweeperParams,
  timeoutMs: 110_000,
  singleFlight: { lease: 'sweeper', ttlMs: 60_000 },
  periodTypes: [],
  function: { entry: 'functions/jobs/sweeper/handler.ts', memoryMb: 256, maxConcurrency: 1 },
  // Times out stale runs and catches up missed periods: the ledger and invokes, no data.
  access: { jobs: 'RW', invokes: 'all-jobs' },
  async run({ deps, log, signal }) {
    const timedOut = await timeOutStaleRuns(deps, log, signal);
    const reinvoked = await reinvokeLostRuns(deps, log, signal);
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
        caughtUp: catchUp.started,
        missingPeriods: catchUp.missing,
        missingLeft: catchUp.missing - catchUp.started.length,
        ...(Object.keys(health).length > 0 ? { healthy: health } : {}),
        ...(Object.keys(slotsMissed).length > 0 ? { slotsMissed } : {}),
      },
    };
  },
} satisfies JobTypeDefinition<SweeperParams, unknown>;
