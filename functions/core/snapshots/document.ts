import type { DayProofStatus } from '../proofs/gate';
import type { SnapshotMetricConfig } from '../config/snapshots-schema';
import type { Period, PeriodType } from '../time/periods';
import type { ScopeValues, SnapshotError } from './compute';

export const SNAPSHOT_SCHEMA = 'nightshift.snapshot/v1';

/** The words users and keys use for period types: `snapshots/daily/2026-11-22.json`. */
export const snapshotPeriodNames = { day: 'daily', week: 'weekly', month: 'monthly' } as const satisfies Record<PeriodType, string>;
export type SnapshotPeriodName = (typeof snapshotPeriodNames)[PeriodType];
export const snapshotPeriodNameList = Object.values(snapshotPeriodNames);

export function snapshotArtifactKey(period: Pick<Period, 'type' | 'key'>): string {
  return `snapshots/${snapshotPeriodNames[period.type]}/${period.key}.json`;
}

export interface PeriodBounds {
  /** First and last local day, both included. */
  firstDay: string;
  lastDay: string;
  startLocal: string;
  endLocal: string;
  startUtc: string;
  endUtc: string;
  hours: number;
}

export function boundsOf(period: Period, lastDay: string): PeriodBounds {
  return {
    firstDay: period.startLocal.slice(0, 10),
    lastDay,
    startLocal: period.startLocal,
    endLocal: period.endLocal,
    startUtc: period.start.toISOString(),
    endUtc: period.end.toISOString(),
    hours: period.hours,
  };
}

export interface SnapshotDocument {
  schema: typeof SNAPSHOT_SCHEMA;
  periodType: SnapshotPeriodName;
  period: string;
  timezone: string;
  bounds: PeriodBounds;
  generatedAt: string;
  jobId: string;
  configHash: string;
  metrics: Record<string, SnapshotMetricConfig>;
  scopes: Record<string, ScopeValues>;
  errors: SnapshotError[];
  /** Each covered day's sampling-proof status when the snapshot was taken (`unproven`: none yet). */
  proofs: Record<string, DayProofStatus>;
}

/** One snapshot item per scope: what `GET /snapshots` lists and the DynamoDB console shows. */
export interface SnapshotItem {
  periodType: SnapshotPeriodName;
  period: string;
  /** First local day of the period: the items sort by it. */
  periodStart: string;
  periodEnd: string;
  scope: string;
  values: ScopeValues;
  /** This scope's errors (unknown metrics included, as they are missing in every scope). */
  errors: SnapshotError[];
  generatedAt: string;
  jobId: string;
  artifactKey: string;
  /** TTL epoch seconds: the period's end plus its retention. */
  expiresAt: number;
}

export function snapshotItems(document: SnapshotDocument, artifactKey: string, expiresAt: number): SnapshotItem[] {
  return Object.entries(document.scopes).map(([scope, values]) => ({
    periodType: document.periodType,
    period: document.period,
    periodStart: document.bounds.firstDay,
    periodEnd: document.bounds.lastDay,
    scope,
    values,
    errors: document.errors.filter((error) => error.scope === undefined || error.scope === scope),
    generatedAt: document.generatedAt,
    jobId: document.jobId,
    artifactKey,
    expiresAt,
  }));
}
