import type { ProofIndex } from './ports';
import type { ProofStatus } from './types';

/** Where a held run's artifact waits for release: the normal key under this prefix. */
export const QUARANTINE_PREFIX = 'quarantine/';

export type DayProofStatus = ProofStatus | 'unproven';

export interface ProofGate {
  /** Each covered day's proof status (`unproven`: no proof yet), oldest first: every artifact records it. */
  proofs: Record<string, DayProofStatus>;
  /** Covered days whose proof is critical: the output is held for them unless the gate is off. */
  criticalDays: string[];
  /** Whether the output is held: a critical day and the gate on. */
  held: boolean;
}

/**
 * The proof gate of an output covering `days` (local days, oldest first): reads the proof index
 * once for the range. A day not proven yet does not hold the output (the proof comes later and
 * pages on its own); a critical one does, unless `gate` is `off`.
 */
export async function proofGate(index: ProofIndex, days: readonly string[], gate: 'on' | 'off'): Promise<ProofGate> {
  const first = days[0];
  const last = days.at(-1);
  if (first === undefined || last === undefined) return { proofs: {}, criticalDays: [], held: false };
  const entries = new Map((await index.list(first, last)).map((entry) => [entry.date, entry.status]));
  const proofs: Record<string, DayProofStatus> = {};
  for (const day of days) proofs[day] = entries.get(day) ?? 'unproven';
  const criticalDays = days.filter((day) => proofs[day] === 'critical');
  return { proofs, criticalDays, held: gate === 'on' && criticalDays.length > 0 };
}

/** The warning a held output logs. */
export const HELD_MESSAGE = 'held: it covers a day whose sampling proof is critical';

/** The gate a run is under: its schedule's `gate` when a schedule started it, else on. */
export function gateOf(schedules: Readonly<Record<string, { gate: 'on' | 'off' }>>, triggeredBy: string): 'on' | 'off' {
  return Object.hasOwn(schedules, triggeredBy) ? (schedules[triggeredBy]?.gate ?? 'on') : 'on';
}
