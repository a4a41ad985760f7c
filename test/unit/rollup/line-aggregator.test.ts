import { describe, expect, it } from 'vitest';
import { LineAggregator, type LineOutcome } from '../../../functions/jobs/rollup/line-aggregator';
import type { GroupTotals } from '../../../functions/core/rollup/groups';
import { seededRandom } from '../../helpers/rollup-events';

const OPTIONS = { timezone: 'America/Los_Angeles', metrics: new Set(['revenue', 'orders', 'page_views']), keptDimensions: ['store', 'channel'] };

/** Feeds each line to a fast-path and a slow-path-only aggregator; returns both verdicts and totals. */
function judge(lines: readonly string[]): {
  fast: { outcomes: Array<LineOutcome | undefined>; groups: Map<string, GroupTotals>; fastLines: number; counts: number[] };
  slow: { outcomes: Array<LineOutcome | undefined>; groups: Map<string, GroupTotals>; counts: number[] };
} {
  const run = (fastPath: boolean) => {
    const aggregator = new LineAggregator(OPTIONS, fastPath);
    const outcomes = lines.map((line) => {
      const buf = Buffer.from(line, 'utf8');
      return aggregator.addLine(buf, 0, buf.length);
    });
    const groups = new Map<string, GroupTotals>();
    aggregator.flushInto(groups);
    return { outcomes, groups, fastLines: aggregator.fastLines, counts: [aggregator.lines, aggregator.events, aggregator.malformed, aggregator.unknownMetric] };
  };
  return { fast: run(true), slow: run(false) };
}

/** Lines near the common shape, each bent in one of many ways a foreign writer (or a typo) might. */
function fuzzLines(seed: number, count: number): string[] {
  const random = seededRandom(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  /** Mostly one of the first `good` items (valid ones), so many lines are events and the fast path is exercised. */
  const likely = <T>(items: readonly T[], good: number): T => (random() < 0.7 ? items[Math.floor(random() * good)] : pick(items)) as T;
  const metrics = ['revenue', 'orders', 'page_views', 'refunds', 'Revenue', 'a', '9x', 'revenue_', ''];
  const times = [
    '2026-11-01T08:59:59.999Z', '2026-11-01T09:00:00Z', '2026-11-01T01:30:00-07:00', '2026-11-01T01:30:00-08:00',
    '2027-03-14T10:00:00.5Z', '2027-03-14T02:30:00-08:00', '2026-11-22T09:15Z', '2026-11-22T09:15:00.123456Z',
    '2026-02-30T00:00:00Z', '2026-11-22T24:00:00Z', '2026-11-22T09:15:60Z', '2026-11-22T09:15:00+23:59',
    '2026-11-22T09:15:00+24:00', '2026-11-22 09:15:00Z', '2026-11-22T09:15:00', '1999-12-31T23:59:59Z',
    '2000-01-01T00:00:00Z', '2026-11-22t09:15:00z', '2026-13-01T00:00:00Z', '2026-11-22T09:15:00.Z', '2026-11-22T09:15:00+0530',
    '2026-11-22T09:15:00+05:30', '2026-11-22T09:15:00-00:00', '9999-12-31T23:59:59Z', '2028-02-29T12:00:00Z', '2027-02-29T12:00:00Z',
  ];
  const values = [
    '1', '0', '-0', '12.25', '-3.5', '0.1', '1e3', '1E-2', '01', '1.', '.5', '-', '123456789012345', '1234567890123456',
    '0.000000000000001', '99999999999999.9', '"5"', 'null', 'true', '1e999', '-1.7976931348623157e308', '3.14159265358979',
  ];
  const dimsTexts = [
    '{}', '{"store":"s01"}', '{"store":"s01","channel":"web"}', '{"channel":"web","store":"s01"}', '{"store":"s01","device":"ios"}',
    '{"store":""}', '{"store":5}', '{"Store":"x"}', '{"store":"s\\u00e9"}', '{"store":"sé"}', '{"store":"a\\"b"}', '{"store":"a}b"}',
    '{"store":"s01","store":"s02"}', '{"store":"s01",}', '{"store":"s01" }', '{"a":"1","b":"1","c":"1","d":"1","e":"1","f":"1","g":"1","h":"1","i":"1","j":"1","k":"1"}',
    `{"store":"${'x'.repeat(256)}"}`, `{"store":"${'x'.repeat(257)}"}`, '{"store":"tab\there"}', 'null', '[]', '{"store":null}', '{"store":"\\u0002"}',
  ];
  const lines: string[] = [];
  for (let i = 0; i < count; i += 1) {
    const metric = likely(metrics, 3);
    const ts = likely(times, 8);
    const value = likely(values, 7);
    const dims = likely(dimsTexts, 5);
    const shape = random();
    let line: string;
    if (shape < 0.45) line = `{"metric":"${metric}","ts":"${ts}","value":${value},"dims":${dims}}`;
    else if (shape < 0.55) line = `{"metric":"${metric}","ts":"${ts}","dims":${dims}}`;
    else if (shape < 0.62) line = `{"metric":"${metric}","ts":"${ts}","value":${value}}`;
    else if (shape < 0.66) line = `{"metric":"${metric}","ts":"${ts}"}`;
    else if (shape < 0.72) line = `{"ts":"${ts}","metric":"${metric}","value":${value}}`;
    else if (shape < 0.76) line = `{ "metric": "${metric}", "ts": "${ts}", "value": ${value} }`;
    else if (shape < 0.8) line = `{"metric":"${metric}","ts":"${ts}","value":${value},"dims":${dims},"extra":1}`;
    else if (shape < 0.84) line = `{"metric":"${metric}","ts":"${ts}","value":${value},"dims":${dims}}garbage`;
    else if (shape < 0.88) line = `{"metric":"${metric}","ts":"${ts}","value":${value},"dims":${dims}`;
    else if (shape < 0.91) line = `  {"metric":"${metric}","ts":"${ts}","value":${value}}\r`;
    else if (shape < 0.93) line = pick(['', '   ', '\r', 'null', '[]', '"text"', '{}', '{"metric":"revenue"}']);
    else {
      // Cut or corrupt a good line at a random byte.
      const good = `{"metric":"revenue","ts":"2026-11-22T09:15:00Z","value":${value},"dims":{"store":"s01"}}`;
      const at = Math.floor(random() * good.length);
      line = random() < 0.5 ? good.slice(0, at) : `${good.slice(0, at)}${pick(['"', '}', ',', 'x', '\\', ':'])}${good.slice(at + 1)}`;
    }
    lines.push(line);
  }
  return lines;
}

describe('LineAggregator', () => {
  it('gives the same verdict and totals on the fast path as JSON.parse + checkEvent, line by line, on fuzzed input', () => {
    // Prepare
    const lines = fuzzLines(20261101, 20_000);

    // Act
    const { fast, slow } = judge(lines);

    // Assess
    const disagreements = lines.flatMap((line, index) => (fast.outcomes[index] === slow.outcomes[index] ? [] : [{ line, fast: fast.outcomes[index], slow: slow.outcomes[index] }]));
    expect(disagreements).toEqual([]);
    expect(fast.counts).toEqual(slow.counts);
    expect([...fast.groups].sort()).toEqual([...slow.groups].sort());
    // The fuzz set exercises every verdict and the fast path itself.
    expect(new Set(slow.outcomes)).toEqual(new Set(['event', 'malformed', 'unknown_metric', undefined]));
    expect(fast.fastLines).toBeGreaterThan(2000);
  });

  it('settles the shape ingest writes on the fast path, with exact values and times', () => {
    // Prepare
    const lines = [
      '{"metric":"revenue","ts":"2026-11-22T09:15:00.120Z","value":12.34,"dims":{"store":"s01","channel":"web","device":"ios"}}',
      '{"metric":"revenue","ts":"2026-11-22T01:15:00-08:00","value":-0.1,"dims":{"channel":"web","store":"s01"}}',
      '{"metric":"orders","ts":"2026-11-22T09:15:00Z"}',
      '{"metric":"orders","ts":"2026-11-22T09:15:00Z","dims":{}}',
    ];

    // Act
    const { fast, slow } = judge(lines);

    // Assess
    expect(fast.fastLines).toBe(4);
    expect([...fast.groups].sort()).toEqual([...slow.groups].sort());
    expect(fast.groups.get('2026-11-22\u0001revenue\u0001channel=web\u0002store=s01')).toEqual({ count: 2, sum: 12.34 + -0.1, min: -0.1, max: 12.34 });
    expect(fast.groups.get('2026-11-22\u0001orders\u0001')).toEqual({ count: 2, sum: 2, min: 1, max: 1 });
  });

  it('counts a well-formed line with an unconfigured metric as unknown, and a malformed one as malformed', () => {
    // Prepare
    const lines = ['{"metric":"refunds","ts":"2026-11-22T09:15:00Z","value":1}', '{"metric":"refunds","ts":"2026-11-22T09:15:00","value":1}'];

    // Act
    const { fast } = judge(lines);

    // Assess
    expect(fast.outcomes).toEqual(['unknown_metric', 'malformed']);
  });
});
