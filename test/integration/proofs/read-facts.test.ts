import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { STATS_META_SK, rollupPk } from '../../../functions/adapters/dynamodb/analytics-keys';
import { dimsKeyOf } from '../../../functions/core/rollup/groups';
import type { HourPartial, MetricDay } from '../../../functions/core/rollup/ports';
import { recomputeDay } from '../../../functions/jobs/rollup/recompute';
import { factsKey, readFacts } from '../../../functions/jobs/sampling-proof/read-facts';
import { rollupBed, type RollupBed } from '../../helpers/rollup-bed';
import { createTestStorage, type TestStorage } from '../../helpers/storage';

const TIMEZONE = 'America/Los_Angeles';

/** One hour partial of `metric` on `day` with two stores' groups. */
function partial(metric: string, day: string, hour: string, values: readonly [number, number]): HourPartial {
  const groups = new Map(
    (['s1', 's2'] as const).map((store, index) => [dimsKeyOf({ store, channel: 'web' }, ['store', 'channel']), { count: 2, sum: values[index]!, min: 0, max: values[index]! }] as const),
  );
  return { metric, day, hour, groups, events: 4, updatedAt: '2026-11-20T00:00:00.000Z' };
}

describe("a proof's facts from the days' meta items (DynamoDB Local)", () => {
  let storage: TestStorage;
  let bed: RollupBed;

  beforeAll(async () => {
    storage = await createTestStorage('read-facts');
    bed = rollupBed(storage);
  });

  afterAll(async () => {
    await storage?.destroy();
  });

  it('reads totals and completeness from the metas, sums the groups of a day whose meta predates its sum, and answers zero for a day without stats', async () => {
    // Prepare: two days of revenue recomputed into stats; one meta's sum removed as an older rollup wrote it.
    const days: MetricDay[] = [
      { metric: 'revenue', day: '2026-11-18' },
      { metric: 'revenue', day: '2026-11-19' },
      { metric: 'revenue', day: '2026-11-20' },
    ];
    await bed.store.putPartials([partial('revenue', '2026-11-18', '2026-11-18T17', [10, 32.5]), partial('revenue', '2026-11-19', '2026-11-19T17', [7, 8]), partial('revenue', '2026-11-19', '2026-11-19T18', [1, 2])]);
    for (const metricDay of days.slice(0, 2)) await recomputeDay(bed.store, metricDay, { timezone: TIMEZONE, maxGroups: 100, now: new Date('2026-11-21T00:00:00Z') });
    const olderMeta = (await bed.store.dayMetas([days[1]!])).size;
    await storage.documentClient.send(new UpdateCommand({ TableName: storage.names.analyticsTable, Key: { pk: rollupPk.stats(days[1]!), sk: STATS_META_SK }, UpdateExpression: 'REMOVE #sum', ExpressionAttributeNames: { '#sum': 'sum' } }));

    // Act
    const metas = await bed.store.dayMetas(days);
    const facts = await readFacts(bed.store, days, new AbortController().signal);

    // Assess
    expect(olderMeta).toBe(1);
    expect([...metas.values()].map((meta) => [meta.day, meta.sum, meta.events])).toEqual([
      ['2026-11-18', 42.5, 4],
      ['2026-11-19', undefined, 8],
    ]);
    expect(facts.get(factsKey('revenue', '2026-11-18'))).toMatchObject({ sum: 42.5, count: 4, meta: { hoursWithData: 1, hoursInDay: 24 } });
    expect(facts.get(factsKey('revenue', '2026-11-19'))).toMatchObject({ sum: 18, count: 8, meta: { hoursWithData: 2, hoursInDay: 24 } });
    expect(facts.get(factsKey('revenue', '2026-11-20'))).toEqual({ sum: 0, count: 0 });
  });
});
