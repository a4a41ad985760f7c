import type { JobDependencies } from './definition';
import type { PeriodState } from './ports';
import { InvalidJobParamsError } from './errors';
import { refuseUnendedPeriod, submitRun, type SubmittableType } from './submit-run';
import { isActive, isSuccessful } from './states';
import { periodTypeOfKey, periodsBetween } from '../time/periods';
import { InvalidPeriodError } from '../time/errors';

/** At most this many periods per backfill call: a bigger range is several calls, on purpose. */
export const MAX_BACKFILL_PERIODS = 400;
/** Runs recorded at once: the functions' own concurrency caps pace the runs themselves. */
const SUBMIT_CONCURRENCY = 8;

export interface BackfillRequest {
  entry: SubmittableType;
  /** Period keys of one type (`2026-11-01`, `2026-W40`, `2026-09`), both included. */
  from: string;
  to: string;
  /** Skip periods whose run succeeded (or ended `warning`); otherwise re-run them (`force`). */
  onlyMissing: boolean;
  triggeredBy: string;
}

export type BackfillSkipReason = 'done' | 'in_progress';

export interface BackfillResult {
  type: string;
  periodType: string;
  from: string;
  to: string;
  periods: number;
  queued: Array<{ period: string; jobId: string }>;
  skipped: Array<{ period: string; reason: BackfillSkipReason; jobId: string }>;
}

/**
 * Records and starts one run per period of the range (`trigger: backfill`), bounded, skipping
 * periods that are done when `onlyMissing` and those with a run still going. Each run claims its
 * period as any other, so a backfill racing a schedule never runs a period twice.
 */
export async function backfill(deps: JobDependencies, request: BackfillRequest): Promise<BackfillResult> {
  const { entry } = request;
  if (entry.periodTypes.length === 0) throw new InvalidJobParamsError(`${entry.type} runs do not cover periods; there is nothing to backfill`);
  const periodType = periodTypeOfKey(request.from);
  if (periodType === undefined || !entry.periodTypes.includes(periodType)) {
    throw new InvalidJobParamsError(`from: "${request.from}" is not a ${entry.periodTypes.join(', ')} period key of ${entry.type} runs`);
  }
  let keys: string[];
  try {
    const options = { timezone: deps.config.timezone, weekStartsOn: deps.config.weekStartsOn };
    const periods = periodsBetween(periodType, request.from, request.to, options, MAX_BACKFILL_PERIODS);
    refuseUnendedPeriod(periods[periods.length - 1]!, deps.clock.now());
    keys = periods.map((period) => period.key);
  } catch (error) {
    if (error instanceof InvalidPeriodError) throw new InvalidJobParamsError(`from/to: ${error.message}`, { cause: error });
    throw error;
  }

  const states = await deps.ledger.periodStates(entry.type, keys);
  const result: BackfillResult = { type: entry.type, periodType, from: keys[0]!, to: keys[keys.length - 1]!, periods: keys.length, queued: [], skipped: [] };
  const toRun: string[] = [];
  for (const period of keys) {
    const skip = skipReason(states.get(period), request.onlyMissing);
    if (skip) result.skipped.push({ period, reason: skip, jobId: states.get(period)!.jobId });
    else toRun.push(period);
  }

  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < toRun.length) {
      const period = toRun[next++]!;
      const holder = states.get(period)?.jobId;
      const submitted = await submitRun(deps, {
        entry,
        trigger: 'backfill',
        triggeredBy: request.triggeredBy,
        params: {},
        period,
        force: !request.onlyMissing,
        ...(holder !== undefined ? { replaces: holder } : {}),
      });
      if (submitted.outcome === 'queued') result.queued.push({ period, jobId: submitted.job.id });
      else result.skipped.push({ period, reason: 'done', jobId: submitted.existingJobId });
    }
  };
  await Promise.all(Array.from({ length: Math.min(SUBMIT_CONCURRENCY, toRun.length) }, worker));
  result.queued.sort((a, b) => keys.indexOf(a.period) - keys.indexOf(b.period));
  result.skipped.sort((a, b) => keys.indexOf(a.period) - keys.indexOf(b.period));
  return result;
}

function skipReason(state: PeriodState | undefined, onlyMissing: boolean): BackfillSkipReason | undefined {
  if (!state) return undefined;
  if (isActive(state.status)) return 'in_progress';
  if (onlyMissing && isSuccessful(state.status)) return 'done';
  return undefined;
}
