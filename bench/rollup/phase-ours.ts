import { createReadStream } from 'node:fs';
import {
  aggregateObject,
  mergeContribution,
  newContribution,
  type ObjectContribution,
} from '../../functions/jobs/rollup/aggregate';
import type { AggregateOptions } from '../../functions/jobs/rollup/line-aggregator';
import { RunJudgements } from '../../functions/jobs/rollup/run-judgements';
import { describeMode, forEachFile, secondsSince, type FilesInput } from './lanes';
import type { KeyedTotals, OursResult } from './shared';

export interface OursInput extends FilesInput {
  timezone: string;
  metrics: string[];
  keptDimensions: string[];
}

/** The rollup's own hot path, `aggregateObject`, over the gzip files straight from disk. */
export async function runOurs(input: OursInput): Promise<OursResult> {
  // One run's judgements shared by its files, as the rollup's aggregateOptions does.
  const options: AggregateOptions = {
    timezone: input.timezone,
    metrics: new Set(input.metrics),
    keptDimensions: input.keptDimensions,
    judgements: new RunJudgements(input.timezone, input.keptDimensions),
  };
  const lanes: ObjectContribution[] = Array.from({ length: Math.max(1, input.concurrency) }, () => newContribution());

  const started = performance.now();
  await forEachFile(input.files, input.concurrency, async (file, lane) => {
    const into = lanes[lane] ?? newContribution();
    lanes[lane] = await aggregateObject(createReadStream(file), true, options, into);
  });
  const [total = newContribution(), ...others] = lanes;
  for (const other of others) mergeContribution(total, other);
  const seconds = secondsSince(started);

  const groups: KeyedTotals[] = [...total.groups].map(([key, g]) => [key, g.count, g.sum, g.min, g.max]);
  return {
    groups,
    events: total.events,
    seconds,
    mode: describeMode(input.concurrency),
    lines: total.lines,
    malformed: total.malformed,
    unknownMetric: total.unknownMetric,
    bytes: total.bytes,
  };
}
