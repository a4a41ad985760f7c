import { describe, expect, it } from 'vitest';
import { baselineDays, earlierCriticalFrom, evaluateProof, factsNeeded } from '../../../functions/core/proofs/evaluate-proof';
import { PROOF_SCHEMA_ID, configHash, proofDocument, proofKey, serializeProof } from '../../../functions/core/proofs/document';
import { FactsTable, dayFacts, proofConfig } from '../../helpers/proofs';

const DAY = '2026-11-22';
const now = new Date('2026-11-23T11:15:00.000Z');
const afterClose = '2026-11-23T08:05:00.000Z';

const demoChecks = [
  { kind: 'trend', metric: 'sessions' },
  { kind: 'range', metric: 'revenue', hard: { min: 0 }, soft: { min: 100 } },
  { kind: 'trend', metric: 'revenue' },
  { kind: 'range', metric: 'conversion_rate', hard: { min: 0, max: 1 }, soft: { min: 0.005, max: 0.2 } },
  { kind: 'trend', metric: 'conversion_rate' },
  { kind: 'freshness', metric: 'sessions' },
  { kind: 'completeness', metric: 'sessions' },
  { kind: 'ratio_consistency', numerator: 'orders', denominator: 'sessions', ratio: 'conversion_rate' },
] as const;

/** Eight weeks of steady history with a little noise, and the scored day. */
function history(today: { sessions: number; orders: number; revenue: number }): FactsTable {
  const table = new FactsTable();
  baselineDays(DAY, 8).forEach((day, index) => {
    const wobble = 1 + ((index % 3) - 1) * 0.01;
    table.set('sessions', day, dayFacts(2000 * wobble)).set('orders', day, dayFacts(60 * wobble)).set('revenue', day, dayFacts(3000 * wobble));
  });
  return table
    .set('sessions', DAY, dayFacts(today.sessions, { updatedAt: afterClose }))
    .set('orders', DAY, dayFacts(today.orders, { updatedAt: afterClose }))
    .set('revenue', DAY, dayFacts(today.revenue, { updatedAt: afterClose }));
}

function proveBytes(table: FactsTable, criticalByDay = new Map<string, string[]>()): { bytes: string; evaluation: ReturnType<typeof evaluateProof> } {
  const config = proofConfig([...demoChecks]);
  const evaluation = evaluateProof({ config, day: DAY, now, facts: table.lookup, earlierCritical: earlierCriticalFrom(config, criticalByDay) });
  return { bytes: serializeProof(proofDocument(evaluation, { day: DAY, config, generatedAt: now })), evaluation };
}

describe('the proof of a day', () => {
  it('passes a normal day, with every check sorted by metric and kind', () => {
    // Act
    const { bytes, evaluation } = proveBytes(history({ sessions: 2000, orders: 60, revenue: 3000 }));
    const document = JSON.parse(bytes);

    // Assess
    expect(document.schema).toBe(PROOF_SCHEMA_ID);
    expect([document.status, document.exitCode, document.date, document.timezone]).toEqual(['pass', 0, DAY, 'America/Los_Angeles']);
    expect(document.summary).toEqual({ pass: 8, warn: 0, critical: 0, skipped: 0, total: 8 });
    expect(document.checks.map((c: { id: string }) => c.id)).toEqual([
      'range:conversion_rate',
      'trend:conversion_rate',
      'ratio_consistency:orders/sessions',
      'range:revenue',
      'trend:revenue',
      'completeness:sessions',
      'freshness:sessions',
      'trend:sessions',
    ]);
    expect(document.anomalies).toEqual([]);
    expect(evaluation.criticalMetrics).toEqual([]);
  });

  it('gives identical bytes for the same input, with numbers rounded to 6 decimals', () => {
    // Act
    const first = proveBytes(history({ sessions: 2000, orders: 61, revenue: 3000.123456789 })).bytes;
    const second = proveBytes(history({ sessions: 2000, orders: 61, revenue: 3000.123456789 })).bytes;

    // Assess
    expect(second).toBe(first);
    expect(first).toContain('"observed": 3000.123457');
    expect(first).toContain('"observed": 0.0305,');
    expect(first.endsWith('}\n')).toBe(true);
  });

  it('names the config by a stable hash of its parsed value', () => {
    // Act
    const a = configHash(proofConfig([...demoChecks]));
    const b = configHash(proofConfig([...demoChecks]));
    const c = configHash(proofConfig([{ kind: 'trend', metric: 'sessions', warnZ: 2.5 }]));

    // Assess
    expect(a).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(b).toBe(a);
    expect(c).not.toBe(a);
  });

  it('is critical with exit code 2 on a zero day, listing the anomalies and the critical metrics', () => {
    // Act
    const { bytes, evaluation } = proveBytes(history({ sessions: 0, orders: 0, revenue: 0 }));
    const document = JSON.parse(bytes);

    // Assess
    expect([document.status, document.exitCode]).toEqual(['critical', 2]);
    expect(document.anomalies.map((a: { checkId: string; severity: string }) => `${a.severity} ${a.checkId}`)).toEqual([
      'critical trend:revenue',
      'critical trend:sessions',
      'warn range:conversion_rate',
      'warn range:revenue',
    ]);
    expect(evaluation.criticalMetrics).toEqual(['revenue', 'sessions']);
  });

  it('keeps the scored day out of its own baseline and earlier critical days out of later ones', () => {
    // Prepare: an earlier proof found sessions critical four weeks back
    const table = history({ sessions: 2500, orders: 60, revenue: 3000 });
    const flagged = baselineDays(DAY, 8)[3] ?? '';

    // Act
    const { evaluation } = proveBytes(table, new Map([[flagged, ['sessions']]]));
    const sessions = evaluation.checks.find((c) => c.id === 'trend:sessions');
    const rate = evaluation.checks.find((c) => c.id === 'trend:conversion_rate');

    // Assess
    expect(sessions?.baseline?.days).not.toContain(DAY);
    expect(sessions?.baseline?.days).toEqual(baselineDays(DAY, 8));
    expect(sessions?.baseline?.excluded).toEqual([{ day: flagged, reason: 'earlier_critical' }]);
    expect(sessions?.baseline?.used).toHaveLength(7);
    // A ratio leaves a day out when either of its parts was critical.
    expect(rate?.baseline?.excluded).toEqual([{ day: flagged, reason: 'earlier_critical' }]);
    expect(sessions?.status).toBe('critical');
  });

  it('reads only the scored day and the eight weeks before it (the same weekday for the baseline, every weekday for the spread)', () => {
    // Act
    const needed = factsNeeded(proofConfig([...demoChecks]), DAY);

    // Assess
    const days = [...new Set(needed.map((n) => n.day))].sort();
    const eightWeeks = Array.from({ length: 56 }, (_, index) => new Date(Date.parse(`${DAY}T00:00:00Z`) - (56 - index) * 86_400_000).toISOString().slice(0, 10));
    expect(days).toEqual([...eightWeeks, DAY]);
    expect(days).toEqual(expect.arrayContaining([...baselineDays(DAY, 8)]));
    expect(new Set(needed.map((n) => n.metric))).toEqual(new Set(['orders', 'revenue', 'sessions']));
    expect(proofKey(DAY)).toBe('sampling-proofs/sampling-proof-20261122.json');
  });
});
