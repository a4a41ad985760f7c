import type { NightshiftConfig } from '../../core/config';
import type { AnnotationStore } from '../../core/calendar/ports';
import type { HolidayCalendar } from '../../core/calendar/holidays';
import { proofCalendar } from '../../core/calendar/proof-calendar';
import type { ProofCalendar } from '../../core/calendar/types';
import { baseMetricsOf } from '../../core/proofs/daily-value';

/**
 * The proof's calendar over its window (`from`..`day`: the baseline days and the day): the
 * configured region's holidays, the annotations overlapping the window, and every `new_normal`
 * that started by `day`, however long ago.
 */
export async function readCalendar(config: NightshiftConfig, annotations: AnnotationStore, holidays: HolidayCalendar | undefined, from: string, day: string): Promise<ProofCalendar> {
  const [overlapping, newNormals] = await Promise.all([annotations.list(from, day), annotations.newNormalsUntil(day)]);
  const byId = new Map([...overlapping, ...newNormals].map((annotation) => [annotation.id, annotation]));
  return proofCalendar({ ...(holidays ? { holidays } : {}), annotations: [...byId.values()], baseMetrics: (metric) => baseMetricsOf(config, metric) });
}
