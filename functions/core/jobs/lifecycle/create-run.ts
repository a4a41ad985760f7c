import { monotonicFactory } from 'ulid';
import type { JobDependencies } from '../definition';
import type { ClaimMode, ClaimResult } from '../ports';
import type { JobRecord, NewJob } from '../record';
import type { JobType } from '../job-types';
import type { JobTrigger } from '../states';

const nextUlid = monotonicFactory();

export interface RunRequest {
  type: JobType;
  trigger: JobTrigger;
  triggeredBy: string;
  params: Record<string, unknown>;
  period?: string;
  scheduledFor?: string;
  /** The schedule whose slot (`scheduledFor`) this run is: its delivery, or a catch-up of it. */
  scheduleName?: string;
  force?: boolean;
  /** The run holding the period that this one is meant to take over (see `JobRecord.replaces`). */
  replaces?: string;
}

export type CreateRunResult = ClaimResult | { outcome: 'queued'; job: JobRecord };

/**
 * Records a new run. A run with a period claims `(type, period)` in the same conditional write;
 * catch-up, retry and backfill triggers may take over a period whose run failed, `force` even a finished
 * one. A run without a period claims its schedule's slot when it is one (a duplicate delivery
 * is recorded skipped); any other run is simply queued.
 */
export async function createRun(deps: Pick<JobDependencies, 'ledger' | 'clock' | 'config'>, request: RunRequest): Promise<CreateRunResult> {
  const now = deps.clock.now();
  const job: NewJob = {
    id: nextUlid(now.getTime()),
    type: request.type,
    trigger: request.trigger,
    params: request.params,
    triggeredBy: request.triggeredBy,
    createdAt: now.toISOString(),
    expiresAt: Math.floor(now.getTime() / 1000) + deps.config.retention.jobsDays * 86_400,
    ...(request.period !== undefined ? { period: request.period } : {}),
    ...(request.scheduledFor !== undefined ? { scheduledFor: request.scheduledFor } : {}),
    ...(request.scheduleName !== undefined ? { scheduleName: request.scheduleName } : {}),
    ...(request.force ? { force: true } : {}),
    ...(request.replaces !== undefined ? { replaces: request.replaces } : {}),
  };
  if (job.period === undefined) {
    const { scheduleName, scheduledFor } = job;
    // A slot of a schedule without a period: the slot's mark is the claim, so a slot runs once.
    if (scheduleName !== undefined && scheduledFor !== undefined) return deps.ledger.claimSlot({ ...job, scheduleName, scheduledFor });
    return { outcome: 'queued', job: await deps.ledger.enqueue(job) };
  }
  return deps.ledger.claimPeriod({ ...job, period: job.period }, claimModeFor(request));
}

function claimModeFor(request: RunRequest): ClaimMode {
  if (request.force) return 'force';
  // A backfill fills what is missing, and a period whose run failed is missing.
  return request.trigger === 'catch-up' || request.trigger === 'retry' || request.trigger === 'backfill' ? 'retry' : 'first';
}
