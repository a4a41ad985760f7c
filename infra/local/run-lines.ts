import { DateTime } from 'luxon';
import { formatLocalTime } from '../../functions/core/time/display';
import { describeOutcome } from '../../functions/client/outcome';
import type { JobInvocation } from '../../functions/core/jobs/ports';
import type { JobRecord } from '../../functions/core/jobs/record';

const MAX_OUTCOME_LENGTH = 160;
const ANSI = { red: '\u001b[1;31m', yellow: '\u001b[1;33m', dim: '\u001b[2m', reset: '\u001b[0m' } as const;

export interface RunLineOptions {
  /** The business time zone: times are shown there, as the rest of Nightshift shows them. */
  timezone: string;
  color: boolean;
}

/**
 * The local cloud's terminal line for one ended invocation, from what the job handler returned
 * (`handleInvocation`'s result): start–end, type, period, status, duration, outcome, run id. A
 * failed, timed-out or alerting run is highlighted. Undefined for anything else (an SQS batch).
 */
export function runLine(invocation: JobInvocation, result: unknown, options: RunLineOptions): string | undefined {
  const paint = (colour: keyof typeof ANSI, text: string) => (options.color ? `${ANSI[colour]}${text}${ANSI.reset}` : text);
  if (!isRecord(result) || typeof result['outcome'] !== 'string') return undefined;
  if (result['outcome'] === 'rejected') return paint('red', `${invocation.type} invocation rejected: ${String(result['reason'])}`);
  const job = result['job'] as JobRecord | undefined;
  if (!job) return undefined;
  // Nightshift's convention (the zone's wall clock, its offset) for the start; the end's clock only.
  const start = job.status === 'skipped' ? job.createdAt : (job.startedAt ?? job.createdAt);
  const end = job.status === 'skipped' || !job.finishedAt ? '        ' : DateTime.fromISO(job.finishedAt).setZone(options.timezone).toFormat('HH:mm:ss');
  const when = `${formatLocalTime(start, options.timezone)}–${end}`;
  const text = [
    when,
    job.type.padEnd(14),
    (job.period ?? '-').padEnd(10),
    job.status.padEnd(9),
    duration(job.durationMs).padStart(7),
    ` ${outcome(job)}`,
  ].join(' ');
  const severity = highlight(job);
  return `${severity ? paint(severity, text) : text}${paint('dim', `  ${job.id}`)}`;
}

/** Red for a run that failed or timed out, yellow for a warning or a proof that raised one. */
function highlight(job: JobRecord): 'red' | 'yellow' | undefined {
  const verdict = job.summary?.['status'];
  if (job.status === 'failed' || job.status === 'timed_out' || verdict === 'critical') return 'red';
  if (job.status === 'warning' || verdict === 'warn') return 'yellow';
  return undefined;
}

function duration(ms: number | undefined): string {
  if (ms === undefined) return '';
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  return `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
}

/** What the run came to: its error with its code, else its job type's sentence (the console's Outcome), and what it wrote. */
function outcome(job: JobRecord): string {
  if (job.error) return clip(`${job.error.code}: ${job.error.message}`);
  const produced = job.artifacts.length > 0 ? ` → ${job.artifacts[0]?.key}${job.artifacts.length > 1 ? ` (+${job.artifacts.length - 1})` : ''}` : '';
  return clip(`${describeOutcome(job)}${produced}`);
}

function clip(text: string): string {
  const oneLine = text.replace(/\s+/g, ' ');
  return oneLine.length > MAX_OUTCOME_LENGTH ? `${oneLine.slice(0, MAX_OUTCOME_LENGTH - 1)}…` : oneLine;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}
