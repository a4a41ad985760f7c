import { describeMark, type DayMark, type ProofCalendar } from '../calendar/types';
import type { BaselineCandidate } from './trend-check';
import type { CheckVerdict } from './types';

/**
 * Why the calendar keeps a baseline day out: a holiday or an annotated day is not what an
 * ordinary day looks like, and days before a `new_normal` describe the old level.
 */
export function calendarExclusion(calendar: ProofCalendar, metric: string, scoredDay: string, day: string): BaselineCandidate['calendarExclusion'] {
  const newNormal = calendar.newNormalSince(scoredDay, metric);
  if (newNormal !== undefined && day < newNormal) return 'before_new_normal';
  const marks = calendar.marksOn(day, metric);
  if (marks.some((mark) => mark.source === 'holiday' || mark.kind === 'holiday')) return 'holiday';
  return marks.length > 0 ? 'annotated' : undefined;
}

/**
 * The trend verdict on a marked day. A holiday expects a dip and a promotion a rise: a deviation
 * that way is at most a warn, unless the metric fell to zero (an outage whatever the day). The
 * message says which marks the day carries, so an alert on an annotated day says so. A trend
 * skipped for history after a `new_normal` says the baseline restarts there: the lasting change
 * was acknowledged and stops paging.
 */
export function trendOnMarkedDay(verdict: CheckVerdict, marks: readonly DayMark[], newNormalSince: string | undefined): CheckVerdict & { calendar?: DayMark[] } {
  let result: CheckVerdict = verdict;
  if (verdict.reason === 'insufficient_history' && newNormalSince !== undefined && verdict.baseline?.excluded.some((entry) => entry.reason === 'before_new_normal')) {
    result = { ...verdict, reason: 'new_normal', message: `the baseline restarts at the new normal from ${newNormalSince}: ${verdict.message}` };
  }
  if (marks.length === 0) return result;
  const mean = verdict.baseline?.mean ?? null;
  const observed = verdict.observed;
  const expectedWay = (kind: 'down' | 'up') => mean !== null && observed !== null && (kind === 'down' ? observed < mean : observed > mean);
  const softened =
    verdict.status === 'critical' &&
    verdict.reason !== 'zero_with_positive_baseline' &&
    marks.some((mark) => ((mark.source === 'holiday' || mark.kind === 'holiday') && expectedWay('down')) || (mark.source === 'annotation' && mark.kind === 'promotion' && expectedWay('up')));
  const words = marks.map(describeMark).join('; ');
  return {
    ...result,
    ...(softened ? { status: 'warn' as const, reason: `${verdict.reason ?? 'critical'}_on_marked_day` } : {}),
    message: `${result.message} — on a marked day (${words})${softened ? ': at most a warn' : ''}`,
    calendar: [...marks],
  };
}
