import type { NightshiftConfig, SchedulePeriod } from '../config';
import type { ConfigProblem } from '../config/errors';
import { previousPeriod, type PeriodType } from '../time/periods';
import { zodMessage } from '../validation';
import { InvalidJobParamsError } from './errors';
import type { JobType } from './job-types';
import { periodTypeOfRule } from './schedule-period';
import { requestSchemaOf, type SubmittableType } from './submit-run';

/**
 * Any period of the rule's kind will do for checking params: the checks are about names and
 * shapes (declared metrics, a range or a period), never about which day it is.
 */
const SAMPLE_INSTANT = new Date('2026-01-15T12:00:00.000Z');

const RULE_OF: Record<PeriodType, SchedulePeriod> = { day: 'previous-day', week: 'previous-week', month: 'previous-month' };

/**
 * Why each schedule of the config could not run as it says, by path: a `period` its job does not
 * cover (the sweeper would claim periods that "Run now" refuses), params its job refuses, or two
 * schedules claiming the same periods of a job (the second would always be skipped). The catalog
 * runs this on every config it resolves, so what validates is what the scheduler, the sweeper,
 * `POST /scheduler/trigger/{name}` and the CLI can all start.
 */
export function scheduleProblems(config: NightshiftConfig, entryOf: (type: JobType) => SubmittableType): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const claimedBy = new Map<string, string>();
  for (const [name, schedule] of Object.entries(config.schedules)) {
    const entry = entryOf(schedule.job);
    const periodProblem = periodRuleProblem(entry, schedule.period);
    if (periodProblem) {
      problems.push({ path: `schedules.${name}.period`, reason: periodProblem });
      continue;
    }
    const paramsProblem = paramsProblemOf(config, entry, schedule.params, periodTypeOfRule(schedule.period));
    if (paramsProblem) problems.push({ path: `schedules.${name}.params`, reason: paramsProblem });
    if (schedule.period === 'none' || !schedule.enabled) continue;
    const claim = `${schedule.job} ${schedule.period}`;
    const earlier = claimedBy.get(claim);
    if (earlier !== undefined) {
      problems.push({
        path: `schedules.${name}`,
        reason: `covers the same periods as schedule "${earlier}" (${schedule.job}, ${schedule.period}): a period has one ${schedule.job} run, so this one would always be skipped`,
      });
    } else claimedBy.set(claim, name);
  }
  return problems;
}

function periodRuleProblem(entry: SubmittableType, rule: SchedulePeriod): string | undefined {
  const accepted = acceptedRules(entry);
  if (accepted.includes(rule)) return undefined;
  if (entry.periodTypes.length === 0) return `${entry.type} runs do not cover a period: leave period out (or set it to none), not "${rule}"`;
  return `${entry.type} runs cover ${entry.periodTypes.join(', ')} periods: period must be ${accepted.map((r) => `"${r}"`).join(' or ')}, not "${rule}"`;
}

/** The `period` rules a schedule of this job type may have. */
export function acceptedRules(entry: Pick<SubmittableType, 'periodTypes' | 'periodOptional'>): SchedulePeriod[] {
  const rules = entry.periodTypes.map((type) => RULE_OF[type]);
  return entry.periodTypes.length === 0 || entry.periodOptional ? ['none', ...rules] : rules;
}

function paramsProblemOf(config: NightshiftConfig, entry: SubmittableType, raw: Record<string, unknown>, periodType: PeriodType | undefined): string | undefined {
  const params = requestSchemaOf(entry).safeParse(raw);
  if (!params.success) return zodMessage(params.error, { prefix: 'params' });
  const period = periodType === undefined ? undefined : previousPeriod(periodType, SAMPLE_INSTANT, config).key;
  try {
    entry.checkParams?.(params.data, { config, period });
  } catch (error) {
    if (error instanceof InvalidJobParamsError) return error.message;
    throw error;
  }
  return undefined;
}
