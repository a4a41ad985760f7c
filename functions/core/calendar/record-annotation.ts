import { ulid } from 'ulid';
import type { Clock } from '../jobs/ports';
import type { AnnotationStore } from './ports';
import type { Annotation, AnnotationKind } from './types';

export interface AnnotationRequest {
  kind: AnnotationKind;
  from: string;
  /** Default: `from` (one day). */
  to?: string;
  metrics?: string[];
  note: string;
}

/**
 * Records one annotation with who and when. The caller has checked the days and the metric
 * names; a `new_normal` reaches forward from `from` whatever `to` says, so it is kept as one day.
 */
export async function recordAnnotation(store: AnnotationStore, clock: Clock, request: AnnotationRequest, createdBy: string): Promise<Annotation> {
  const annotation: Annotation = {
    id: ulid(clock.now().getTime()),
    kind: request.kind,
    from: request.from,
    to: request.kind === 'new_normal' ? request.from : (request.to ?? request.from),
    metrics: [...new Set(request.metrics ?? [])].sort(),
    note: request.note,
    createdBy,
    createdAt: clock.now().toISOString(),
  };
  await store.put(annotation);
  return annotation;
}
