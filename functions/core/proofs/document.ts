import { createHash } from 'node:crypto';
import type { NightshiftConfig } from '../config';
import type { ProofEvaluation } from './evaluate-proof';
import type { CheckResult, ProofStatus } from './types';
import type { DayMark } from '../calendar/types';

export const PROOF_SCHEMA_ID = 'nightshift.sampling-proof/v1';
export const PROOF_PREFIX = 'sampling-proofs/';

/** `sampling-proofs/sampling-proof-20261122.json` for day 2026-11-22. */
export function proofKey(day: string): string {
  return `${PROOF_PREFIX}sampling-proof-${day.replaceAll('-', '')}.json`;
}

export interface Anomaly {
  checkId: string;
  metric: string;
  kind: CheckResult['kind'];
  severity: 'warn' | 'critical';
  reason: string | null;
  message: string;
  observed: number | null;
  expected: CheckResult['expected'];
  /** What explains it (`channel=app: −96% in every store, 11:00–20:00; explains 98% of the drop`), top contributor first. */
  explanation?: string[];
}

export interface ProofDocument {
  schema: typeof PROOF_SCHEMA_ID;
  date: string;
  timezone: string;
  generatedAt: string;
  configHash: string;
  status: ProofStatus;
  exitCode: 0 | 1 | 2;
  summary: ProofEvaluation['summary'];
  checks: CheckResult[];
  anomalies: Anomaly[];
  /** Holidays and annotations on the day; absent on an ordinary day. */
  calendar?: DayMark[];
}

export function proofDocument(evaluation: ProofEvaluation, input: { day: string; config: NightshiftConfig; generatedAt: Date }): ProofDocument {
  const anomalies = evaluation.checks
    .filter((check): check is CheckResult & { status: 'warn' | 'critical' } => check.status === 'warn' || check.status === 'critical')
    .map((check) => ({
      checkId: check.id,
      metric: check.metric,
      kind: check.kind,
      severity: check.status,
      reason: check.reason,
      message: check.message,
      observed: check.observed,
      expected: check.expected,
      ...(check.attribution ? { explanation: check.attribution.contributors.map((contributor) => contributor.message) } : {}),
    }))
    // Critical first, then in check order.
    .sort((a, b) => (a.severity === b.severity ? 0 : a.severity === 'critical' ? -1 : 1));
  return {
    schema: PROOF_SCHEMA_ID,
    date: input.day,
    timezone: input.config.timezone,
    generatedAt: input.generatedAt.toISOString(),
    configHash: configHash(input.config),
    status: evaluation.status,
    exitCode: evaluation.exitCode,
    summary: evaluation.summary,
    checks: evaluation.checks,
    anomalies,
    ...(evaluation.calendar.length > 0 ? { calendar: evaluation.calendar } : {}),
  };
}

/**
 * The artifact's bytes: keys sorted at every level, numbers rounded to 6 decimals (−0 → 0), two-space
 * indent and a final newline, so the same input always gives the same bytes.
 */
export function serializeProof(document: ProofDocument): string {
  return `${JSON.stringify(canonical(document), null, 2)}\n`;
}

/** sha256 of the parsed config (defaults filled in) as canonical JSON: equal configs, equal hashes. */
export function configHash(config: NightshiftConfig): string {
  return `sha256:${createHash('sha256').update(JSON.stringify(canonical(config))).digest('hex')}`;
}

const DECIMALS = 1e6;

function canonical(value: unknown): unknown {
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return null;
    const rounded = Math.round(value * DECIMALS) / DECIMALS;
    return Object.is(rounded, -0) ? 0 : rounded;
  }
  if (Array.isArray(value)) return value.map(canonical);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .filter((key) => (value as Record<string, unknown>)[key] !== undefined)
        .map((key) => [key, canonical((value as Record<string, unknown>)[key])]),
    );
  }
  return value;
}
