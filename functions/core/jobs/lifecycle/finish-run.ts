import type { JobLedger } from '../ports';
import type { ArtifactRef, JobErrorInfo, JobRecord } from '../record';
import type { EndStatus } from '../states';

export interface RunResult {
  status: EndStatus;
  summary?: Record<string, unknown>;
  error?: JobErrorInfo;
  exitCode?: number;
  logs?: string;
  artifacts: ArtifactRef[];
}

/** Keeps the record readable: logs on it are only the tail; the whole logs are artifacts. */
export const MAX_LOG_TAIL_BYTES = 4096;

/** running → a terminal state, with timing and results. Refused if the sweeper got there first. */
export function finishRun(ledger: JobLedger, job: JobRecord, finishedAt: Date, result: RunResult): Promise<JobRecord> {
  const started = job.startedAt ? Date.parse(job.startedAt) : finishedAt.getTime();
  return ledger.transition(job, ['running'], result.status, {
    finishedAt: finishedAt.toISOString(),
    durationMs: Math.max(0, finishedAt.getTime() - started),
    artifacts: result.artifacts,
    ...(result.summary !== undefined ? { summary: result.summary } : {}),
    ...(result.error !== undefined ? { error: result.error } : {}),
    ...(result.exitCode !== undefined ? { exitCode: result.exitCode } : {}),
    ...(result.logs !== undefined ? { logs: tail(result.logs, MAX_LOG_TAIL_BYTES) } : {}),
  });
}

/** The last `maxBytes` bytes of `text`, cut at a character boundary. */
export function tail(text: string, maxBytes: number): string {
  const bytes = Buffer.from(text, 'utf8');
  if (bytes.length <= maxBytes) return text;
  return bytes.subarray(bytes.length - maxBytes).toString('utf8').replace(/^\uFFFD+/, '');
}
