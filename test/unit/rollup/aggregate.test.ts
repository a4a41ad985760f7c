import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { aggregateObject, mergeContribution, newContribution } from '../../../functions/jobs/rollup/aggregate';
import type { AggregateOptions } from '../../../functions/jobs/rollup/line-aggregator';
import { UnreadableObjectError } from '../../../functions/core/rollup/errors';

const LA: AggregateOptions = { timezone: 'America/Los_Angeles', metrics: new Set(['revenue', 'orders']), keptDimensions: ['store'] };

/** The bytes in chunks of `size`, the way a network stream hands them over. */
async function* chunked(bytes: Uint8Array, size: number): AsyncGenerator<Uint8Array> {
  for (let start = 0; start < bytes.length; start += size) yield bytes.subarray(start, start + size);
}

const line = (metric: string, ts: string, value?: number, dims?: Record<string, string>): string =>
  JSON.stringify({ metric, ts, ...(value !== undefined ? { value } : {}), ...(dims ? { dims } : {}) });

describe('aggregateObject', () => {
  it('gives the same contribution whatever the chunking, gzip or plain', async () => {
    // Prepare
    const text = Array.from({ length: 500 }, (_, i) => line(i % 3 ? 'revenue' : 'orders', `2026-11-22T${String(i % 24).padStart(2, '0')}:15:00Z`, i / 4, { store: `s${i % 7}` })).join('\n');
    const gzipped = gzipSync(text);

    // Act
    const whole = await aggregateObject(chunked(Buffer.from(text), 1 << 20), false, LA);
    const bytewise = await aggregateObject(chunked(Buffer.from(text), 1), false, LA);
    const gz = await aggregateObject(chunked(gzipped, 7), true, LA);

    // Assess
    expect(whole.events).toBe(500);
    expect([...bytewise.groups].sort()).toEqual([...whole.groups].sort());
    expect([...gz.groups].sort()).toEqual([...whole.groups].sort());
    expect(gz.bytes).toBe(gzipped.length);
    expect(whole.bytes).toBe(Buffer.byteLength(text));
  });

  it('places events by local day exactly, also when the local midnight falls inside a UTC hour', async () => {
    // Prepare: Asia/Kolkata is UTC+05:30, so its midnight is 18:30Z; LA's 2026-11-01 has 25 hours.
    const kolkata: AggregateOptions = { ...LA, timezone: 'Asia/Kolkata' };
    const text = [
      line('orders', '2026-11-22T18:29:59.999Z'),
      line('orders', '2026-11-22T18:30:00Z'),
      line('orders', '2026-11-23T00:00:00+05:30'),
    ].join('\n');
    const laText = [line('orders', '2026-11-01T06:59:59.999Z'), line('orders', '2026-11-01T07:00:00Z'), line('orders', '2026-11-02T07:59:59Z'), line('orders', '2026-11-02T08:00:00Z')].join('\n');

    // Act
    const india = await aggregateObject(chunked(Buffer.from(text), 64), false, kolkata);
    const la = await aggregateObject(chunked(Buffer.from(laText), 64), false, LA);

    // Assess
    expect(new Map([...india.groups].map(([key, totals]) => [key, totals.count]))).toEqual(
      new Map([
        ['2026-11-22\u0001orders\u0001', 1],
        ['2026-11-23\u0001orders\u0001', 2],
      ]),
    );
    expect(new Map([...la.groups].map(([key, totals]) => [key, totals.count]))).toEqual(
      new Map([
        ['2026-10-31\u0001orders\u0001', 1],
        ['2026-11-01\u0001orders\u0001', 2],
        ['2026-11-02\u0001orders\u0001', 1],
      ]),
    );
  });

  it('counts malformed lines and unknown metrics, skips blank lines, drops dims that are not kept, handles CRLF', async () => {
    // Prepare
    const text = [
      line('revenue', '2026-11-22T10:00:00Z', 5, { store: 's1', device: 'ios' }),
      '',
      '{not json',
      line('refunds', '2026-11-22T10:00:00Z', 1),
      '{"metric":"revenue","ts":"2026-11-22T10:00:00","value":1}',
      '{"metric":"revenue","ts":"2026-11-22T10:00:00Z","value":"7"}',
      '   ',
      `${line('revenue', '2026-11-22T10:00:00Z', 3, { store: 's1' })}\r`,
    ].join('\n');

    // Act
    const contribution = await aggregateObject(chunked(Buffer.from(text), 10), false, LA);

    // Assess
    expect(contribution).toMatchObject({ lines: 6, events: 2, malformed: 3, unknownMetric: 1 });
    expect([...contribution.groups]).toEqual([['2026-11-22\u0001revenue\u0001store=s1', { count: 2, sum: 8, min: 3, max: 5 }]]);
  });

  it('counts a line past 1 MiB as one malformed line without holding it, and goes on after it', async () => {
    // Prepare
    const huge = `{"metric":"revenue","ts":"2026-11-22T10:00:00Z","value":1,"dims":{"store":"${'x'.repeat(1_100_000)}"}}`;
    const text = [line('orders', '2026-11-22T10:00:00Z'), huge, line('orders', '2026-11-22T11:00:00Z')].join('\n');

    // Act
    const contribution = await aggregateObject(chunked(Buffer.from(text), 64 * 1024), false, LA);

    // Assess
    expect(contribution).toMatchObject({ lines: 3, events: 2, malformed: 1 });
  });

  it('refuses a truncated gzip stream whole, adding nothing of the part it could read', async () => {
    // Prepare
    const text = Array.from({ length: 2000 }, (_, i) => line('orders', '2026-11-22T10:00:00Z', i)).join('\n');
    const gzipped = gzipSync(text);
    const truncated = gzipped.subarray(0, Math.floor(gzipped.length / 2));
    const into = newContribution();

    // Act
    const reading = aggregateObject(chunked(truncated, 4096), true, LA, into);

    // Assess
    await expect(reading).rejects.toThrow(UnreadableObjectError);
    await expect(reading).rejects.toThrow(/^gzip data is corrupt or cut short after \d+ bytes of text/);
    expect({ ...into, groups: [...into.groups] }).toEqual({ ...newContribution(), groups: [], bytes: truncated.length });
  });

  it('refuses binary data and text without a single event, but keeps a text whose bad lines are a minority', async () => {
    // Prepare
    const good = line('orders', '2026-11-22T10:00:00Z', 1);

    // Act
    const binary = await aggregateObject(chunked(Buffer.from(`${good}\n\u0000\u0001\u0002\n${good}\n`), 7), false, LA).catch((error: unknown) => error);
    const noEvents = await aggregateObject(chunked(Buffer.from('a,b,c\n1,2,3\n'), 7), false, LA).catch((error: unknown) => error);
    const mostlyGood = await aggregateObject(chunked(Buffer.from(`${good}\nnot json\n${good}\n`), 7), false, LA);

    // Assess
    expect(binary).toEqual(new UnreadableObjectError(`binary data (a NUL byte at byte ${good.length + 1}): not NDJSON text`));
    expect(noEvents).toEqual(new UnreadableObjectError('none of its 2 lines is a metric event (is it NDJSON?)'));
    expect([mostlyGood.events, mostlyGood.malformed]).toEqual([2, 1]);
  });

  it('rethrows a failure of the source itself (a read error is not malformed data)', async () => {
    // Prepare
    async function* failing(): AsyncGenerator<Uint8Array> {
      yield gzipSync(line('orders', '2026-11-22T10:00:00Z')).subarray(0, 10);
      throw new Error('connection reset');
    }

    // Act
    const attempt = aggregateObject(failing(), true, LA);

    // Assess
    await expect(attempt).rejects.toThrow('connection reset');
  });
});

describe('mergeContribution', () => {
  it('adds counts and merges groups: count and sum add, min and max keep the extremes', async () => {
    // Prepare
    const a = await aggregateObject(chunked(Buffer.from([line('orders', '2026-11-22T10:00:00Z', 2), line('orders', '2026-11-22T10:00:00Z', 9)].join('\n')), 99), false, LA);
    const b = await aggregateObject(chunked(Buffer.from([line('orders', '2026-11-22T10:00:00Z', -1), 'bad'].join('\n')), 99), false, LA);
    const into = newContribution();

    // Act
    mergeContribution(into, a);
    mergeContribution(into, b);

    // Assess
    expect(into).toMatchObject({ lines: 4, events: 3, malformed: 1, unknownMetric: 0, bytes: a.bytes + b.bytes });
    expect(into.groups.get('2026-11-22\u0001orders\u0001')).toEqual({ count: 3, sum: 10, min: -1, max: 9 });
    expect(a.groups.get('2026-11-22\u0001orders\u0001')).toEqual({ count: 2, sum: 11, min: 2, max: 9 });
  });
});
