import type { Annotation } from './types';

/** Annotations in the Analytics table (`annotation` partition), few enough to read a window at once. */
export interface AnnotationStore {
  put(annotation: Annotation): Promise<void>;
  /** Annotations overlapping `from`..`to` (both included), oldest `from` first. */
  list(from: string, to: string): Promise<Annotation[]>;
  /** Every `new_normal` annotation starting on or before `day` (they reach forward without end). */
  newNormalsUntil(day: string): Promise<Annotation[]>;
}
