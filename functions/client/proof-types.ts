/**
 * The proofs and the annotations as the client sees them (`GET /proofs`, `/proofs/{day}`,
 * `/annotations`): part of the client's API types (`types.ts` re-exports them), kept apart for
 * size. Like those, declared here rather than imported from the server.
 */
export type ProofStatus = 'pass' | 'warn' | 'critical';

export interface ProofSummary {
  pass: number;
  warn: number;
  critical: number;
  skipped: number;
  total: number;
}

/** `GET /proofs`: one index entry per proven day. */
export interface ProofIndexEntry {
  date: string;
  status: ProofStatus;
  exitCode: 0 | 1 | 2;
  generatedAt: string;
  key: string;
  jobId: string;
  summary: ProofSummary;
  criticalMetrics: string[];
  /** Holidays and annotations the proof took into account; absent on an ordinary day. */
  calendar?: DayMark[];
  /** Each trend-checked metric's expected band that day: outside `warn` at least a warn, outside `critical` critical. */
  bands?: Record<string, TrendBand>;
}

export interface TrendBand {
  mean: number;
  warn: { min: number | null; max: number | null };
  critical: { min: number | null; max: number | null };
}

export interface ProofCheck {
  id: string;
  kind: string;
  metric: string;
  status: 'pass' | 'warn' | 'critical' | 'skipped';
  reason: string | null;
  message: string;
  observed: number | null;
  expected: { min: number | null; max: number | null } | null;
  score: number | null;
  /** Trend checks: the baseline the day was judged against (mean, σ). */
  baseline?: { mean: number | null; sigma: number | null; used: Array<{ day: string; value: number }>; excluded: Array<{ day: string; reason: string }> };
  /** Holidays and annotations on the day that concern the metric. */
  calendar?: DayMark[];
  parameters: Record<string, unknown>;
  /** A trend or range check that warned or went critical: the dimensions and hours that explain it. */
  attribution?: ProofAttribution;
}

/** What explains a check's change, top contributor first. */
export interface ProofAttribution {
  direction: 'drop' | 'rise';
  deviation: number;
  contributors: Array<{
    segment: string;
    dims: Record<string, string>;
    observed: number;
    expected: number;
    change: number | null;
    share: number;
    hours: string[];
    where: string;
    /** `channel=app: −96% in every store, 11:00–20:00; explains 98% of the drop` */
    message: string;
  }>;
}

/** `GET /proofs/{date}`: the proof artifact as stored. */
export interface ProofDocument {
  schema: string;
  date: string;
  timezone: string;
  generatedAt: string;
  configHash: string;
  status: ProofStatus;
  exitCode: 0 | 1 | 2;
  summary: ProofSummary;
  checks: ProofCheck[];
  anomalies: Array<{ checkId: string; metric: string; kind: string; severity: 'warn' | 'critical'; reason: string | null; message: string; explanation?: string[] }>;
  /** Holidays and annotations on the day; absent on an ordinary day. */
  calendar?: DayMark[];
}

export const ANNOTATION_KINDS = ['incident', 'holiday', 'promotion', 'new_normal'] as const;
export type AnnotationKind = (typeof ANNOTATION_KINDS)[number];

/** A user's note on local days (`GET`/`POST /annotations`), with who recorded it and why. */
export interface Annotation {
  id: string;
  kind: AnnotationKind;
  from: string;
  to: string;
  /** Empty: every metric. */
  metrics: string[];
  note: string;
  createdBy: string;
  createdAt: string;
}

export interface AnnotationRequest {
  kind: AnnotationKind;
  from: string;
  to?: string;
  metrics?: string[];
  note: string;
}

/** `GET /annotations`: the annotations overlapping the days, and the configured region's holidays on the proven ones. */
export interface AnnotationsPage {
  items: Annotation[];
  holidays: Array<{ day: string; name: string; region: string }>;
}

export type DayMark =
  | { source: 'holiday'; name: string; region: string }
  | { source: 'annotation'; id: string; kind: AnnotationKind; note: string; createdBy: string };
