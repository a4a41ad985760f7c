import type { JobTypeDeclaration } from '../job-type-definition';
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
} satisfies JobTypeDeclaration<SweeperParams>;
