import type { JobRecord } from './types';

/**
 * A run's outcome in one sentence, for a list of runs (the console's Outcome column, the CLI's
 * OUTCOME): read from its record, in the words of its job type — `1,234 events in 24 hours`,
 * `2 checks critical`. Summaries are the job types' own; a type or shape this does not know
 * falls back to the run's error message, else nothing, never to raw keys.
 */
export function describeOutcome(job: JobRecord): string {
  if (job.status === 'skipped' && job.skippedFor) return `covered by run ${shortId(job.skippedFor)}`;
  if (job.status === 'held') return `held: covers ${heldDays(job)} whose sampling proof is critical; release it to publish`;
  if (job.releasedBy !== undefined) return `released by ${job.releasedBy}${job.summary ? `; ${summarySentences[job.type]?.(job.summary, job) ?? ''}` : ''}`.replace(/; $/, '');
  if (job.status === 'queued' && job.waitingFor) return `waiting behind run ${shortId(job.waitingFor)} (it holds the lease)`;
  const sentence = job.summary ? summarySentences[job.type]?.(job.summary, job) : undefined;
  return sentence ?? job.error?.message ?? '';
}

function heldDays(job: JobRecord): string {
  const days = Array.isArray(job.summary?.['heldFor']) ? (job.summary['heldFor'] as unknown[]).map(String) : [];
  return days.length === 0 ? 'a day' : days.length === 1 ? days[0]! : `${days.length} days (${days.join(', ')})`;
}

/** The last 8 characters of a run id: enough to tell runs of a list apart. */
export function shortId(id: string): string {
  return id.slice(-8);
}

type Summary = Readonly<Record<string, unknown>>;

const summarySentences: Readonly<Record<string, (summary: Summary, job: JobRecord) => string | undefined>> = {
  rollup(summary) {
    const events = numberOf(summary, 'events');
    const hours = numberOf(summary, 'hoursRecomputed');
    if (events === undefined || hours === undefined) return undefined;
    const main = events === 0 && hours === 0 ? 'nothing new' : `${count(events, 'event')} in ${count(hours, 'hour')}`;
    const sentence = joinClauses(main, [
      [numberOf(summary, 'objectsRefused'), (n) => `${count(n, 'object')} refused`],
      [numberOf(summary, 'metricDaysOverCap'), (n) => `${count(n, 'metric-day')} over the cardinality cap`],
      [numberOf(summary, 'objectsLeft'), (n) => `${count(n, 'object')} left for the next run`],
    ]);
    // The hourly watch's alerts of this run, in the alert's own words.
    return [sentence, ...watchAlertSubjects(summary['watch'])].join('; ');
  },
  'sampling-proof'(summary) {
    // A day before the first data: nothing was proven, and the run says why.
    const nothingToProve = summary['status'] === 'skipped' ? textOf(summary, 'message') : undefined;
    if (nothingToProve !== undefined) return `skipped: ${nothingToProve}`;
    const [critical, warn, pass, skipped, total] = ['critical', 'warn', 'pass', 'skipped', 'total'].map((key) => numberOf(summary, key));
    if (critical === undefined || warn === undefined || pass === undefined || total === undefined) return undefined;
    if (critical > 0) return `${count(critical, 'check')} critical${warn > 0 ? `, ${formatCount(warn)} warn` : ''}`;
    if (warn > 0) return `${count(warn, 'check')} warn`;
    if (skipped) return `${count(pass, 'check')} pass, ${formatCount(skipped)} skipped`;
    return total === 1 ? 'the check passes' : `all ${formatCount(total)} checks pass`;
  },
  snapshot(summary) {
    const period = textOf(summary, 'period');
    const metrics = numberOf(summary, 'metrics');
    const scopes = numberOf(summary, 'scopes');
    if (period === undefined || metrics === undefined || scopes === undefined) return undefined;
    const kind = textOf(summary, 'periodType');
    return joinClauses(`${kind ? `${kind} ` : ''}${period}: ${count(metrics, 'metric')} for ${count(scopes, 'scope')}`, [
      [numberOf(summary, 'errors'), (n) => `${count(n, 'value')} not computed`],
    ]);
  },
  export(summary) {
    const rows = numberOf(summary, 'rows');
    const bytes = numberOf(summary, 'bytes');
    if (rows === undefined || bytes === undefined) return undefined;
    const format = textOf(summary, 'format')?.toUpperCase();
    const from = textOf(summary, 'from');
    const to = textOf(summary, 'to');
    return `${count(rows, 'row')}, ${formatBytes(bytes)}${format ? ` ${format}` : ''}${from && to ? `, ${from === to ? from : `${from} to ${to}`}` : ''}`;
  },
  'script-run'(summary) {
    const script = textOf(summary, 'script');
    const end = summary['end'];
    if (script === undefined || typeof end !== 'object' || end === null) return undefined;
    const files = Array.isArray(summary['outputFiles']) ? summary['outputFiles'].length : 0;
    const dropped = Array.isArray(summary['outputDropped']) && summary['outputDropped'].length > 0;
    const how = endOf(end as Summary);
    if (how === undefined) return undefined;
    return `${script} ${how}${files > 0 ? `, ${count(files, 'output file')}` : ''}${dropped ? ', output cut at the cap' : ''}`;
  },
  sweeper(summary) {
    const timedOut = numberOf(summary, 'timedOut');
    const reinvoked = numberOf(summary, 'reinvoked');
    const caughtUp = Array.isArray(summary['caughtUp']) ? summary['caughtUp'].length : undefined;
    if (timedOut === undefined || reinvoked === undefined || caughtUp === undefined) return undefined;
    const clauses = [
      timedOut > 0 ? `timed out ${count(timedOut, 'run')}` : '',
      reinvoked > 0 ? `invoked ${count(reinvoked, 'lost run')} again` : '',
      caughtUp > 0 ? `started ${count(caughtUp, 'catch-up run')}` : '',
      (numberOf(summary, 'missingLeft') ?? 0) > 0 ? `${count(numberOf(summary, 'missingLeft')!, 'missing period')} left for the next sweep` : '',
    ].filter(Boolean);
    return clauses.length === 0 ? 'nothing to do' : clauses.join(', ');
  },
};

function endOf(end: Summary): string | undefined {
  switch (end['kind']) {
    case 'exited':
      return `exited ${String(end['exitCode'])}`;
    case 'timed_out':
      return 'ran past its time limit';
    case 'signaled':
      return `was killed by ${String(end['signal'])}`;
    case 'spawn_failed':
      return 'could not start';
    default:
      return undefined;
  }
}

function watchAlertSubjects(watch: unknown): string[] {
  if (typeof watch !== 'object' || watch === null || !('alerts' in watch) || !Array.isArray(watch.alerts)) return [];
  return watch.alerts.flatMap((alert: unknown) => (typeof alert === 'object' && alert !== null && 'subject' in alert && typeof alert.subject === 'string' ? [alert.subject] : []));
}

function joinClauses(main: string, optional: ReadonlyArray<readonly [number | undefined, (n: number) => string]>): string {
  const extra = optional.filter(([n]) => n !== undefined && n > 0).map(([n, say]) => say(n!));
  return [main, ...extra].join('; ');
}

function numberOf(summary: Summary, key: string): number | undefined {
  const value = summary[key];
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

function textOf(summary: Summary, key: string): string | undefined {
  const value = summary[key];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** `1,234`: thousands grouped, as in English (counts are whole numbers; no Intl to load for it). */
function formatCount(n: number): string {
  return Number.isInteger(n) ? String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',') : String(n);
}

/** `1 event`, `1,234 events`. */
function count(n: number, noun: string): string {
  return `${formatCount(n)} ${noun}${n === 1 ? '' : 's'}`;
}

/** `850 B`, `12.3 KiB`, `4.5 MiB`. */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}
