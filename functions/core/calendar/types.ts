/**
 * What the calendar says about a day: public holidays of the configured region and the
 * annotations users recorded. Proofs leave marked days out of baselines, soften the verdict on
 * a holiday or promotion day, and say why in the proof and its alert.
 */
export const annotationKinds = ['incident', 'holiday', 'promotion', 'new_normal'] as const;
export type AnnotationKind = (typeof annotationKinds)[number];

/** A user's note on a range of local days, recorded with who and why. */
export interface Annotation {
  id: string;
  kind: AnnotationKind;
  /** First local day, `YYYY-MM-DD`. For `new_normal`: the day the lasting change began. */
  from: string;
  /** Last local day (included); equal to `from` for a single day. */
  to: string;
  /** Metrics or ratios it concerns; empty: every metric. */
  metrics: string[];
  /** Why: what happened, in the author's words. */
  note: string;
  /** The token name that recorded it. */
  createdBy: string;
  createdAt: string;
}

export type DayMark =
  | { source: 'holiday'; name: string; region: string }
  | { source: 'annotation'; id: string; kind: AnnotationKind; note: string; createdBy: string };

/** The calendar as the proof reads it: pure lookups over what was read before evaluating. */
export interface ProofCalendar {
  /** Holidays and annotations (other than `new_normal`) on `day` that concern `metric`. */
  marksOn(day: string, metric: string): DayMark[];
  /** The start of the latest `new_normal` annotation on or before `day` concerning `metric`. */
  newNormalSince(day: string, metric: string): string | undefined;
}

/** Words for a mark in messages and alerts. */
export function describeMark(mark: DayMark): string {
  if (mark.source === 'holiday') return `holiday ${mark.name} (${mark.region})`;
  return `${mark.kind.replace('_', ' ')} annotated by ${mark.createdBy}: ${mark.note}`;
}
