import { gzipSync } from 'node:zlib';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeClock } from '../../helpers/clock';
import { readExport, runExport } from '../../helpers/export-bed';
import { generateEvents, writeEventObjects } from '../../helpers/rollup-events';
import { runSnapshot, snapshotBed, type SnapshotBed } from '../../helpers/snapshot-bed';
import { createTestStorage, type TestStorage } from '../../helpers/storage';

const TIMEZONE = 'America/Los_Angeles';
const DAYS = ['2026-11-18', '2026-11-19', '2026-11-20'];
const NOW = new Date('2026-11-23T11:30:00Z');

describe('export job: snapshot source, and stats brought up to date first', () => {
  let storage: TestStorage;
  let bed: SnapshotBed;

  beforeAll(async () => {
    storage = await createTestStorage('export-snapshots');
    bed = snapshotBed(storage, { clock: new FakeClock(NOW) });
    const events = generateEvents(1118, { days: DAYS, timezone: TIMEZONE, eventsPerDay: 90, metrics: ['revenue', 'orders', 'sessions'], stores: 2, channels: ['web'] });
    await writeEventObjects(storage.artifactStore, events, { objectsPerHour: 1 });
    for (const day of DAYS) expect((await runSnapshot(bed, day)).job.status).toBe('succeeded');
  });

  afterAll(async () => {
    await storage.destroy();
  });

  it('exports daily snapshots as one CSV row per period and scope, equal to the items, filtered by scope', async () => {
    // Act
    const all = await runExport(bed.deps, bed.store, { from: DAYS[0], to: DAYS[2], source: 'snapshots' }, { snapshots: bed.snapshots });
    const overall = await runExport(bed.deps, bed.store, { from: DAYS[0], to: DAYS[2], source: 'snapshots', scope: 'overall', format: 'json', metrics: ['revenue', 'conversion_rate'] }, { snapshots: bed.snapshots });

    // Assess
    expect(all.status).toBe('succeeded');
    const items = (await bed.snapshots.list({ periodType: 'daily', from: DAYS[0]!, to: DAYS[2]!, limit: 100 })).items;
    const csv = parse(await storage.artifactStore.getText(String(all.summary?.['key'])), { columns: true }) as Record<string, string>[];
    expect(String(all.summary?.['key'])).toMatch(/^exports\/metrics-snapshots-daily-[0-9a-f]{8}-20261120\.csv$/);
    expect(all.summary).toMatchObject({ rows: items.length, source: 'snapshots', periodType: 'daily' });
    expect(csv.map((row) => [row['period'], row['scope']])).toEqual(items.map((item) => [item.period, item.scope]));
    csv.forEach((row, index) => {
      const item = items[index]!;
      expect(Number(row['revenue'])).toBe(item.values['revenue']);
      expect(row['average_revenue']).toBe(String(item.values['average_revenue'] ?? ''));
      expect(row['errors']).toBe('');
    });
    const json = JSON.parse(await storage.artifactStore.getText(String(overall.summary?.['key']))) as Array<{ period: string; scope: string; values: Record<string, number | null> }>;
    expect(json.map((row) => [row.period, row.scope])).toEqual(DAYS.map((day) => [day, 'overall']));
    expect(json[0]!.values).toEqual({
      revenue: items.find((item) => item.scope === 'overall')!.values['revenue'],
      conversion_rate: items.find((item) => item.scope === 'overall')!.values['conversion_rate'],
    });
  });

  it('refuses snapshot metrics that do not exist and groupBy with snapshots, before recording anything', async () => {
    // Act
    const unknown = await runExport(bed.deps, bed.store, { from: DAYS[0], to: DAYS[2], source: 'snapshots', metrics: ['nope'] }, { snapshots: bed.snapshots });
    const grouped = await runExport(bed.deps, bed.store, { from: DAYS[0], to: DAYS[2], source: 'snapshots', groupBy: ['store'] }, { snapshots: bed.snapshots });
    const scopedStats = await runExport(bed.deps, bed.store, { from: DAYS[0], to: DAYS[2], scope: 'overall' });

    // Assess
    expect(unknown).toMatchObject({ status: 'failed', error: { code: 'invalid_params' } });
    expect(unknown.error?.message).toContain('unknown snapshot metric "nope"');
    expect(grouped.error?.message).toContain('snapshots are already one row per scope');
    expect(scopedStats.error?.message).toContain('scope: only with source "snapshots"');
  });

  it('brings the rollup up to date before a stats export, so an event that just arrived is in it', async () => {
    // Prepare: 5 orders at 23:00 on the range's last day, in an object no rollup has seen.
    const line = JSON.stringify({ metric: 'orders', ts: '2026-11-20T23:00:00-08:00', value: 1, dims: { store: 'late' } });
    await storage.artifactStore.put('events/dt=2026-11-21/hour=07/just-arrived.ndjson.gz', gzipSync(Array(5).fill(line).join('\n')), 'application/x-ndjson');

    // Act
    const run = await runExport(bed.deps, bed.store, { from: DAYS[2], to: DAYS[2], metrics: ['orders'], groupBy: ['store'] }, { rollup: bed.store });

    // Assess
    expect(run.status).toBe('succeeded');
    expect(run.summary).toMatchObject({ rollup: { from: DAYS[2], to: DAYS[2], events: 5 } });
    const rows = await readExport(storage.artifactStore, String(run.summary?.['key']), ['store']);
    expect(rows.find((row) => row.dims['store'] === 'late')).toMatchObject({ count: 5, sum: 5 });
  });
});
