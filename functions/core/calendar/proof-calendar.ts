import type { HolidayCalendar } from './holidays';
import type { Annotation, DayMark, ProofCalendar } from './types';

/** A calendar that marks nothing: proofs without a configured region or annotations. */
export const emptyCalendar: ProofCalendar = { marksOn: () => [], newNormalSince: () => undefined };

/**
 * The proof's calendar over the region's holidays and the annotations read for the window.
 * An annotation concerns a metric when it names none (every metric), names the metric, or —
 * for a ratio — names one of its parts (`baseMetrics(metric)`).
 */
export function proofCalendar(input: {
  holidays?: HolidayCalendar;
  annotations: readonly Annotation[];
  baseMetrics: (metric: string) => readonly string[];
}): ProofCalendar {
  const { holidays, annotations, baseMetrics } = input;
  const concerns = (annotation: Annotation, metric: string) =>
    annotation.metrics.length === 0 || [metric, ...baseMetrics(metric)].some((subject) => annotation.metrics.includes(subject));
  const newNormals = annotations.filter((annotation) => annotation.kind === 'new_normal').sort((a, b) => (a.from < b.from ? 1 : a.from > b.from ? -1 : 0));
  return {
    marksOn(day, metric) {
      const marks: DayMark[] = (holidays?.on(day) ?? []).map((name) => ({ source: 'holiday', name, region: holidays?.region ?? '' }));
      for (const annotation of annotations) {
        if (annotation.kind === 'new_normal' || day < annotation.from || day > annotation.to || !concerns(annotation, metric)) continue;
        marks.push({ source: 'annotation', id: annotation.id, kind: annotation.kind, note: annotation.note, createdBy: annotation.createdBy });
      }
      return marks;
    },
    newNormalSince(day, metric) {
      return newNormals.find((annotation) => annotation.from <= day && concerns(annotation, metric))?.from;
    },
  };
}
