import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoDbRollupStore } from '../../../functions/adapters/dynamodb/rollup-store';
import { ingestEvents } from '../../../functions/core/events/ingest';
import type { RawEvent } from '../../../functions/core/events/events-body';
import type { HourKey } from '../../../functions/core/rollup/ports';
import { createRollupJob } from '../../../functions/jobs/rollup/rollup-run';
import { queryStats } from '../../../functions/jobs/rollup/query-stats';
import { FakeClock } from '../../helpers/clock';
import { crashingClient, extraAnalyticsTable, rollupBed, runRollupJob, scanAnalytics, type RollupBed } from '../../helpers/rollup-bed';
import { createTestStorage, type TestStorage } from '../../helpers/storage';

const NOW = '2026-11-23T20:00:00Z';
/**
 * Days 10+ before NOW, far outside the 48-hour lookback; each test its own (the bucket is shared
 * by the test's tables, and a fresh table absorbs whatever the hour holds).
 */
const OLD_DAYS = { 'after-marks-read': '2026-11-13', 'before-clearing': '2026-11-12', crash: '2026-11-11' } as const;
type Case = keyof typeof OLD_DAYS;

/** `count` orders at 18:mm UTC of the case's day (10:mm in Los Angeles, the same local day). */
const orders = (which: Case, count: number, minute = 10): RawEvent[] =>
  Array.from({ length: count }, (_, i) => ({
    ok: true,
    value: { metric: 'orders', ts: `${OLD_DAYS[which]}T18:${String(minute).padStart(2, '0')}:${String(i % 60).padStart(2, '0')}Z`, dims: { store: 's1' } },
  }));

/** A store that runs `meanwhile` once, right after the step it names: the moment another ingest lands. */
class InterleavedStore extends DynamoDbRollupStore {
  private done = false;

  constructor(
    storage: TestStorage,
    table: string,
    private readonly step: 'after-marks-read' | 'before-clearing',
    private readonly meanwhile: () => Promise<void>,
  ) {
    super(storage.documentClient, table, storage.artifactStore);
  }

  private async once(step: string): Promise<void> {
    if (this.step !== step || this.done) return;
    this.done = true;
    await this.meanwhile();
  }

  override async writtenHours(): Promise<Map<HourKey, string>> {
    const marks = await super.writtenHours();
    await this.once('after-marks-read');
    return marks;
  }

  override async clearWritten(marks: ReadonlyMap<HourKey, string>): Promise<HourKey[]> {
    await this.once('before-clearing');
    return super.clearWritten(marks);
  }
}

describe('rollup: hours ingest marked as written', () => {
  let storage: TestStorage;
  const drops: Array<() => Promise<void>> = [];

  beforeAll(async () => {
    storage = await createTestStorage('rollup-written');
  });

  afterAll(async () => {
    for (const drop of drops) await drop();
    await storage.destroy();
  });

  /** A rollup bed on a fresh Analytics table, with ingest writing through the same store. */
  async function freshBed(label: string): Promise<{ bed: RollupBed; table: string; ingest: (events: RawEvent[]) => Promise<unknown> }> {
    const table = await extraAnalyticsTable(storage, label);
    drops.push(table.drop);
    const bed = rollupBed(storage, { clock: new FakeClock(NOW), analyticsTable: table.name });
    const ingest = (events: RawEvent[]) => ingestEvents({ ...bed.deps, writtenHours: bed.store }, events);
    return { bed, table: table.name, ingest };
  }

  async function ordersOf(which: Case, bed: RollupBed): Promise<{ count?: number; complete?: boolean; incompleteDays: string[] }> {
    const day = OLD_DAYS[which];
    const result = await queryStats({ config: bed.deps.config, stats: bed.store, backlog: bed.store }, { metric: 'orders', from: day, to: day });
    return { count: result.items[0]?.count, complete: result.items[0]?.complete, incompleteDays: result.incompleteDays };
  }

  it.each(['after-marks-read', 'before-clearing'] as const)(
    'keeps an hour marked when ingest writes into it again while a run works on it (%s), and the next run counts the new object',
    async (step) => {
      // Prepare
      const { bed, table, ingest } = await freshBed(step.replace(/-/g, ''));
      await ingest(orders(step, 5));
      const interleaved = new InterleavedStore(storage, table, step, async () => {
        await ingest(orders(step, 7, 20));
      });
      const racing = { ...bed, store: interleaved, job: createRollupJob(interleaved) };

      // Act
      const first = await runRollupJob(racing);
      const between = await ordersOf(step, bed);
      const second = await runRollupJob(bed);
      const after = await ordersOf(step, bed);
      const marks = (await scanAnalytics(storage, table)).filter((item) => item['pk'] === 'rollup#written');

      // Assess
      expect(first.summary).toMatchObject({ writtenHours: 1, writtenHoursCleared: 0 });
      expect(between.incompleteDays).toEqual([OLD_DAYS[step]]);
      expect(second.summary).toMatchObject({ writtenHours: 1, writtenHoursCleared: 1 });
      expect(after).toEqual({ count: 12, complete: true, incompleteDays: [] });
      expect(marks).toEqual([]);
    },
  );

  it('marks a day incomplete after a run stopped half-way, and complete once a later run finishes it', async () => {
    // Prepare: how many writes a run makes for one ingest, then a run that stops half-way through them.
    const probe = await freshBed('crashprobe');
    await probe.ingest(orders('crash', 9));
    const counting = crashingClient(storage.documentClient, Number.POSITIVE_INFINITY);
    await runRollupJob(rollupBed(storage, { clock: new FakeClock(NOW), analyticsTable: probe.table, client: counting }));
    const { bed: healthyBed, table, ingest } = await freshBed('crash');
    const crashingBed = rollupBed(storage, { clock: new FakeClock(NOW), analyticsTable: table, client: crashingClient(storage.documentClient, Math.floor(counting.writes / 2)) });
    await ingest(orders('crash', 9));

    // Act
    const crashed = await runRollupJob(crashingBed);
    const halfWay = await ordersOf('crash', healthyBed);
    const recovered = await runRollupJob(healthyBed);
    const repaired = await ordersOf('crash', healthyBed);

    // Assess
    expect(crashed.status).toBe('failed');
    expect(halfWay.incompleteDays).toEqual([OLD_DAYS.crash]);
    expect(halfWay.complete ?? false).toBe(false);
    expect(recovered.status).toBe('succeeded');
    // The probe's 9 orders share the hour (and the bucket) with these 9: the hour holds 18.
    expect(repaired).toEqual({ count: 18, complete: true, incompleteDays: [] });
  });
});
