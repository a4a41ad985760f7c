/**
 * Where a rollup's time goes, reported in its summary (`phaseMs`). Steps that run one after the
 * other (`list`, `recompute`, `stats`, `marks`) are wall time; steps that overlap inside the
 * absorb stage (`get`: until an object's first bytes, `parse`: the rest of its body through the
 * aggregator, `absorbWrite`: the batched store writes) add up the time of every call, so with
 * several in flight they exceed the stage's wall time (`absorb`).
 */
export type RollupPhase = 'list' | 'get' | 'parse' | 'absorbWrite' | 'absorb' | 'recompute' | 'stats' | 'marks';

export class PhaseTimings {
  private readonly totals = new Map<RollupPhase, number>();

  constructor(private readonly nowMs: () => number = () => performance.now()) {}

  async measure<T>(phase: RollupPhase, work: () => Promise<T>): Promise<T> {
    const started = this.nowMs();
    try {
      return await work();
    } finally {
      this.totals.set(phase, (this.totals.get(phase) ?? 0) + this.nowMs() - started);
    }
  }

  /** Milliseconds per phase, rounded, every phase present. */
  report(): Record<RollupPhase, number> {
    const phases: RollupPhase[] = ['list', 'get', 'parse', 'absorbWrite', 'absorb', 'recompute', 'stats', 'marks'];
    return Object.fromEntries(phases.map((phase) => [phase, Math.round(this.totals.get(phase) ?? 0)])) as Record<RollupPhase, number>;
  }
}
