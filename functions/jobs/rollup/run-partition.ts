import { absorbObjects, absorbReport, aggregateOptions, scanHours, type AbsorbReport, type AbsorbingRunInput } from './absorb';
import type { RollupPartition } from './params';
import { PhaseTimings, type RollupPhase } from './phase-timings';

export interface PartitionInput extends AbsorbingRunInput {
  partition: RollupPartition;
}

/** What a partition run did: its coordinator sums these from the run's summary. */
export interface PartitionReport extends AbsorbReport {
  partition: { parent: string; index: number; of: number; attempt: number };
  hoursScanned: number;
  /** Hours with an object failed or left: their written marks stay, so the next run lists them again. */
  unfinishedHours: string[];
  writtenHoursCleared: number;
  phaseMs: Record<RollupPhase, number>;
}

/**
 * One partition of a fanning-out rollup: lists its hours, absorbs what they have not absorbed
 * (the same batched writes as a whole run: pending marks, then contributions) and clears the
 * written marks of the hours it finished, if ingest has not marked them again since its
 * coordinator read them. It recomputes nothing: its coordinator's final step does, under the
 * rollup lease, and the pending marks make any run after it do so if the coordinator stops. So
 * a partition run stopped anywhere, or run twice, leaves nothing counted twice or lost.
 */
export async function runPartition(input: PartitionInput): Promise<PartitionReport> {
  const { store, clock, signal, partition } = input;
  const timings = new PhaseTimings();
  const scan = await timings.measure('list', () => scanHours(store, input.artifacts, partition.hours, signal));
  const stopByMs = Math.min(Date.parse(partition.stopBy), input.deadline.getTime());
  const absorbed = await timings.measure('absorb', () =>
    absorbObjects({
      store,
      artifacts: input.artifacts,
      objects: scan.toRead,
      options: aggregateOptions(input.config),
      maxObjectBytes: input.config.rollup.maxObjectBytes,
      jobId: input.jobId,
      now: () => clock.now(),
      keepGoing: () => clock.now().getTime() < stopByMs,
      signal,
      log: input.log,
      timings,
    }),
  );
  signal.throwIfAborted();
  const finished = new Map(Object.entries(partition.written).filter(([hour]) => partition.hours.includes(hour) && !absorbed.unfinishedHours.has(hour)));
  const cleared = await timings.measure('marks', () => store.clearWritten(finished));
  return {
    partition: { parent: partition.parent, index: partition.index, of: partition.of, attempt: partition.attempt },
    hoursScanned: partition.hours.length,
    ...absorbReport(scan, absorbed),
    unfinishedHours: [...absorbed.unfinishedHours].sort(),
    writtenHoursCleared: cleared.length,
    phaseMs: timings.report(),
  };
}
