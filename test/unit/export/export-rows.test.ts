import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { OTHER_DIMS, OTHER_DIMS_KEY } from '../../../functions/core/rollup/groups';
import type { DailyStat } from '../../../functions/core/rollup/ports';
import { encodeRows } from '../../../functions/jobs/export/encode';
import { readAhead, type ExportRow } from '../../../functions/jobs/export/rows';
import { groupRows, statsShape } from '../../../functions/jobs/export/stats-rows';

const unit = { metric: 'revenue', day: '2026-11-22' };

function stat(dims: Record<string, string>, count: number, sum: number, min: number, max: number, dimsKey?: string): DailyStat {
  const key = dimsKey ?? Object.entries(dims).sort().map(([name, value]) => `${name}=${value}`).join('\u0002');
  return { ...unit, dimsKey: key, dims, count, sum, min, max, updatedAt: '2026-11-23T00:00:00Z' };
}

async function* from<T>(items: readonly T[]): AsyncGenerator<T> {
  yield* items;
}

async function text(bytes: AsyncIterable<Uint8Array>): Promise<string> {
  const chunks: Uint8Array[] = [];
  for await (const chunk of bytes) chunks.push(chunk);
  return Buffer.concat(chunks).toString('utf8');
}

const items = [
  stat({ store: 's1', channel: 'web' }, 2, 10, 4, 6),
  stat({ store: 's1', channel: 'app' }, 1, 7.5, 7.5, 7.5),
  stat({ store: 's2', channel: 'web' }, 3, -3, -2, 1),
  stat({ store: 's2' }, 1, 100, 100, 100),
  stat({ ...OTHER_DIMS }, 4, 8, 1, 3, OTHER_DIMS_KEY),
];

describe('groupRows', () => {
  it('without groupBy folds every group, the overflow one included, into one row', () => {
    // Act
    const rows = groupRows(unit, items, []);

    // Assess
    expect(rows).toEqual([{ ...unit, dims: {}, count: 11, sum: 122.5, min: -2, max: 100 }]);
  });

  it('by one dimension: a row per value, absent values together, the overflow as __other__', () => {
    // Act
    const rows = groupRows(unit, items, ['channel']);

    // Assess
    expect(rows.map((row) => [row.dims, row.count, row.sum, row.min, row.max])).toEqual([
      [{}, 1, 100, 100, 100],
      [{ channel: '__other__' }, 4, 8, 1, 3],
      [{ channel: 'app' }, 1, 7.5, 7.5, 7.5],
      [{ channel: 'web' }, 5, 7, -2, 6],
    ]);
  });

  it('by two dimensions keeps each combination', () => {
    // Act
    const rows = groupRows(unit, items, ['store', 'channel']);

    // Assess
    expect(rows).toHaveLength(5);
    expect(rows.find((row) => row.dims['store'] === '__other__')?.dims).toEqual({ store: '__other__', channel: '__other__' });
    expect(rows.find((row) => row.dims['store'] === 's2' && row.dims['channel'] === undefined)?.sum).toBe(100);
  });

  it('gives no row for a metric-day without data', () => {
    // Act + Assess
    expect(groupRows(unit, [], ['store'])).toEqual([]);
  });
});

describe('encodeRows', () => {
  const rows: ExportRow[] = [
    { day: '2026-11-22', metric: 'revenue', dims: { store: 'Main St, "North"' }, count: 3, sum: 0.30000000000000004, min: 0.1, max: 1e21 },
    { day: '2026-11-22', metric: 'revenue', dims: {}, count: 1, sum: -2.5, min: -2.5, max: -2.5 },
  ];

  it('writes RFC 4180 CSV: header, CRLF, quoted fields, numbers in round-trip form', async () => {
    // Act
    const encoded = encodeRows(from(rows), 'csv', statsShape(['store']));
    const csv = await text(encoded.bytes);

    // Assess
    expect(encoded.rows).toBe(2);
    expect(csv).toBe(
      'day,metric,store,count,sum,min,max,avg\r\n' +
        '2026-11-22,revenue,"Main St, ""North""",3,0.30000000000000004,0.1,1e+21,0.10000000000000002\r\n' +
        '2026-11-22,revenue,,1,-2.5,-2.5,-2.5,-2.5\r\n',
    );
    const parsed = parse(csv, { columns: true }) as Record<string, string>[];
    expect(Number(parsed[0]?.['sum'])).toBe(0.30000000000000004);
    expect(parsed[0]?.['store']).toBe('Main St, "North"');
  });

  it('writes JSON as one array, and an empty export as a header or []', async () => {
    // Act
    const json = await text(encodeRows(from(rows), 'json', statsShape(['store'])).bytes);
    const emptyJson = await text(encodeRows(from<ExportRow>([]), 'json', statsShape([])).bytes);
    const emptyCsv = await text(encodeRows(from<ExportRow>([]), 'csv', statsShape(['store'])).bytes);

    // Assess
    expect(JSON.parse(json)).toEqual(rows.map((row) => ({ ...row, avg: row.sum / row.count })));
    expect(JSON.parse(emptyJson)).toEqual([]);
    expect(emptyCsv).toBe('day,metric,store,count,sum,min,max,avg\r\n');
  });
});

describe('readAhead', () => {
  it('keeps at most `window` reads in flight and yields in order', async () => {
    // Prepare
    let inFlight = 0;
    let most = 0;
    const read = async (n: number): Promise<number> => {
      inFlight += 1;
      most = Math.max(most, inFlight);
      await new Promise((resolve) => setTimeout(resolve, (n * 7) % 5));
      inFlight -= 1;
      return n * 2;
    };

    // Act
    const results: number[] = [];
    for await (const value of readAhead(Array.from({ length: 40 }, (_, i) => i), 4, read, new AbortController().signal)) results.push(value);

    // Assess
    expect(results).toEqual(Array.from({ length: 40 }, (_, i) => i * 2));
    expect(most).toBe(4);
  });

  it('stops with the abort reason once the signal is aborted', async () => {
    // Prepare
    const controller = new AbortController();
    const reason = new Error('deadline');

    // Act
    const seen: number[] = [];
    const consume = async () => {
      for await (const value of readAhead([1, 2, 3, 4], 1, async (n) => n, controller.signal)) {
        seen.push(value);
        if (value === 2) controller.abort(reason);
      }
    };

    // Assess
    await expect(consume()).rejects.toBe(reason);
    expect(seen).toEqual([1, 2]);
  });
});
