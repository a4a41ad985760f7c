import type * as z from 'zod/mini';
import type { NightshiftConfig } from '../config';
import type { JobDependencies } from './definition';
import type { JobRecord } from './record';
import type { JobType } from './job-types';
import type { JobTrigger } from './states';
import { createRun } from './lifecycle/create-run';
import { invokeOrFailRun } from './lifecycle/fail-unstarted-run';
import { InvalidJobParamsError } from './errors';
import { parsePeriodKey, type Period, type PeriodType } from '../time/periods';
import { zodMessage } from '../validation';

/** What the submitter needs to know of a job type (a catalog entry). */
export interface SubmittableType {
  type: JobType;
  periodTypes: readonly PeriodType[];
  /** A period job whose runs may also go without a period (they then name their range in params). */
  periodOptional?: boolean;
  params: z.ZodMiniType<Record<string, unknown>>;
  /**
   * What a caller may ask (the API, backfills, the config's schedules): `params` without the
   * fields only the job itself sets on the runs it starts. Absent: `params`.
   */
  requestParams?: z.ZodMiniType<Record<string, unknown>>;
  /** Checks the config decides (declared names) and the period; throws `InvalidJobParamsError`. */
  checkParams?: (params: Record<string, unknown>, context: { config: NightshiftConfig; period?: string | undefined }) => void;
}

/** The schema a caller's params are held to: the type's `requestParams`, else its `params`. */
export function requestSchemaOf(entry: SubmittableType): z.ZodMiniType<Record<string, unknown>> {
  return entry.requestParams ?? entry.params;
}

export interface SubmitRequest {
  entry: SubmittableType;
  trigger: JobTrigger;
  triggeredBy: string;
  params: Record<string, unknown>;
  period?: string;
  force?: boolean;
  /** The run holding the period that this one is meant to take over (see `JobRecord.replaces`). */
  replaces?: string;
}

export type SubmitResult =
  | { outcome: 'queued'; job: JobRecord }
  | { outcome: 'skipped'; job: JobRecord; existingJobId: string };

/**
 * Records a run asked for by a person or another job and starts it asynchronously. Bad params
 * or a period of the wrong shape are refused before anything is written.
 */
export async function submitRun(deps: JobDependencies, request: SubmitRequest): Promise<SubmitResult> {
  const { entry } = request;
  const params = requestSchemaOf(entry).safeParse(request.params);
  if (!params.success) {
    throw new InvalidJobParamsError(zodMessage(params.error, { prefix: 'params' }));
  }
  const period = checkPeriod(deps, entry, request.period);
  entry.checkParams?.(params.data, { config: deps.config, period });
  const created = await createRun(deps, {
    type: entry.type,
    trigger: request.trigger,
    triggeredBy: request.triggeredBy,
    params: params.data,
    ...(period !== undefined ? { period } : {}),
    ...(request.force ? { force: true } : {}),
    ...(request.replaces !== undefined ? { replaces: request.replaces } : {}),
  });
  if (created.outcome === 'skipped') return created;
  await invokeOrFailRun(deps, created.job, { trigger: request.trigger, triggeredBy: request.triggeredBy });
  return { outcome: 'queued', job: created.job };
}

function checkPeriod(deps: JobDependencies, entry: SubmittableType, period: string | undefined): string | undefined {
  if (entry.periodTypes.length === 0) {
    if (period !== undefined) throw new InvalidJobParamsError(`${entry.type} runs do not take a period`);
    return undefined;
  }
  if (period === undefined) {
    if (entry.periodOptional) return undefined;
    throw new InvalidJobParamsError(`${entry.type} runs need a period (${entry.periodTypes.map(example).join(', ')})`);
  }
  const parsed = parsePeriodKey(period, { timezone: deps.config.timezone, weekStartsOn: deps.config.weekStartsOn });
  if (!entry.periodTypes.includes(parsed.type)) {
    throw new InvalidJobParamsError(`${entry.type} runs cover ${entry.periodTypes.map(example).join(', ')} periods, not "${period}"`);
  }
  refuseUnendedPeriod(parsed, deps.clock.now());
  return parsed.key;
}

function example(type: PeriodType): string {
  return { day: 'a day like 2026-11-22', week: 'a week like 2026-W47', month: 'a month like 2026-11' }[type];
}

/**
 * A run covers a period once: one claimed before the period ends would report part of it and
 * keep the scheduled run, after the end, from ever covering the whole.
 */
export function refuseUnendedPeriod(period: Period, now: Date): void {
  if (period.end.getTime() > now.getTime()) {
    throw new InvalidJobParamsError(`period ${period.key} has not ended yet (it ends ${period.endLocal}); a run covers a whole period`);
  }
}
