import type { WatchState } from './hourly-watch';
import type { ProofStatus } from './types';
import type { DayMark } from '../calendar/types';
import type { TrendBand } from './trend-bands';

/** A small record of each day's proof, so listing proofs never lists the bucket. */
export interface ProofIndexEntry {
  date: string;
  status: ProofStatus;
  exitCode: 0 | 1 | 2;
  generatedAt: string;
  /** The artifact's key in the bucket. */
  key: string;
  jobId: string;
  summary: { pass: number; warn: number; critical: number; skipped: number; total: number };
  /** Metrics with a critical check that day: later baselines leave the day out for them. */
  criticalMetrics: string[];
  /** Holidays and annotations the proof took into account that day; absent on an ordinary day. */
  calendar?: DayMark[];
  /** Each trend-checked metric's expected band that day (the console's chart draws them). */
  bands?: Record<string, TrendBand>;
}

export interface ProofIndex {
  /** Replaces the day's entry (a re-run proof supersedes the earlier one). */
  put(entry: ProofIndexEntry): Promise<void>;
  get(date: string): Promise<ProofIndexEntry | undefined>;
  /** Entries for days `from`..`to` (both included), oldest first. */
  list(from: string, to: string): Promise<ProofIndexEntry[]>;
}

export interface ProofAlert {
  date: string;
  /** `error`: the proof could not be computed (exit code 3). */
  status: 'warn' | 'critical' | 'error';
  exitCode: 1 | 2 | 3;
  subject: string;
  message: string;
  jobId: string;
  /** The artifact's key, when one was written. */
  key?: string;
}

/** Publishes proof alerts: an SNS topic in AWS, the log in the local cloud. */
export interface Alerter {
  publish(alert: ProofAlert): Promise<void>;
}

/** The hourly watch's state per trend check (how far it has judged, the open incident). */
export interface WatchStore {
  get(checkId: string): Promise<WatchState | undefined>;
  /** Writes the state if the stored one still has `readVersion` (0: none stored); false when another run moved it first. */
  put(state: WatchState, readVersion: number): Promise<boolean>;
}
