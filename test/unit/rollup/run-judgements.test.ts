import { describe, expect, it } from 'vitest';
import { aggregateObject } from '../../../functions/jobs/rollup/aggregate';
import type { AggregateOptions } from '../../../functions/jobs/rollup/line-aggregator';
import { LineAggregator } from '../../../functions/jobs/rollup/line-aggregator';
import { RunJudgements } from '../../../functions/jobs/rollup/run-judgements';

const ZONE = 'Asia/Kolkata';
const KEPT = ['store', 'channel'];

/** An object of `count` events over `stores` × 3 channels, half an hour either side of a Kolkata midnight (18:30Z). */
function objectText(count: number, stores: number, seed: number): Buffer {
  const lines: string[] = [];
  for (let i = 0; i < count; i += 1) {
    const minute = (i * 7 + seed) % 60;
    const dims = { store: `s${(i + seed) % stores}`, channel: ['web', 'app', 'pos'][i % 3] ?? 'web', device: `d${i % 2}` };
    lines.push(JSON.stringify({ metric: i % 2 ? 'orders' : 'revenue', ts: `2026-11-22T18:${String(minute).padStart(2, '0')}:00Z`, value: (i % 50) / 4, dims }));
  }
  // A dims object checkEvent refuses (a number value): malformed in every object, judged once.
  lines.push('{"metric":"orders","ts":"2026-11-22T18:00:00Z","dims":{"store":5}}');
  return Buffer.from(`${lines.join('\n')}\n`);
}

async function* once(bytes: Buffer): AsyncGenerator<Uint8Array> {
  yield bytes;
}

describe('RunJudgements', () => {
  it('judges each dims text once per run, however many objects show it, and counts exactly as judging alone', async () => {
    // Prepare: ten objects with the same 90 dims texts, and a run's options shared by all of them
    const objects = Array.from({ length: 10 }, (_, seed) => objectText(300, 15, seed));
    const judgements = new RunJudgements(ZONE, KEPT);
    const shared: AggregateOptions = { timezone: ZONE, metrics: new Set(['orders', 'revenue']), keptDimensions: KEPT, judgements };
    const alone: AggregateOptions = { timezone: ZONE, metrics: new Set(['orders', 'revenue']), keptDimensions: KEPT };

    // Act
    const withRun = await Promise.all(objects.map((bytes) => aggregateObject(once(bytes), false, shared)));
    const withoutRun = await Promise.all(objects.map((bytes) => aggregateObject(once(bytes), false, alone)));

    // Assess: 15 stores × 3 channels × 2 devices, plus the refused text
    expect(judgements.textsJudged).toBe(91);
    withRun.forEach((contribution, index) => {
      const other = withoutRun[index];
      expect([...contribution.groups].sort()).toEqual([...(other?.groups ?? new Map())].sort());
      expect([contribution.events, contribution.malformed]).toEqual([300, 1]);
    });
    expect(new Set(withRun.flatMap((contribution) => [...contribution.groups.keys()].map((key) => key.slice(0, 10))))).toEqual(new Set(['2026-11-22', '2026-11-23']));
  });

  it('refuses judgements made for another zone or other kept dimensions', () => {
    // Prepare
    const judgements = new RunJudgements('America/Los_Angeles', KEPT);

    // Act
    const make = (): LineAggregator => new LineAggregator({ timezone: ZONE, metrics: new Set(['orders']), keptDimensions: KEPT, judgements });

    // Assess
    expect(make).toThrow(/another zone or other kept dimensions/);
  });
});
