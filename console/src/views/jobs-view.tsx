import { useState } from 'preact/hooks';
import { describeOutcome, formatTimeNamed, instantToWallTime, shortId, timeHeading, wallTimeToInstant, type JobListQuery, type JobPage, type JobRecord, type JobStatus } from '../../../functions/client';
import { ErrorNotice, Loading } from '../components/notices';
import { TableHead } from '../components/table-head';
import { StatusBadge } from '../components/status-badge';
import { Time, useTimeZone } from '../components/time';
import { formatAgo, formatDuration, formText } from '../format';
import { hashFor, navigate } from '../router';
import { producedPage, runHref } from '../run-links';
import type { Session } from '../session';
import { useLoad } from '../use-load';

const STATUSES: JobStatus[] = ['queued', 'running', 'succeeded', 'warning', 'failed', 'timed_out', 'skipped'];
const REFRESH_MS = 5000;
const PAGE_SIZE = 50;

interface Filters {
  type?: string | undefined;
  status?: string | undefined;
  since?: string | undefined;
  until?: string | undefined;
}

function filtersOf(query: URLSearchParams): Filters {
  return { type: query.get('type') ?? undefined, status: query.get('status') ?? undefined, since: query.get('since') ?? undefined, until: query.get('until') ?? undefined };
}

/** Runs newest first, filtered by type, status and creation time; the first page refreshes itself. */
export function JobsView({ session, query }: { session: Session; query: URLSearchParams }) {
  const zone = useTimeZone();
  const filters = filtersOf(query);
  const key = JSON.stringify(filters);
  const [autoRefresh, setAutoRefresh] = useState(true);
  const types = useLoad('types', async () => Object.keys((await session.client.health()).jobs).sort());
  const firstPage = useLoad(key, () => session.client.listJobs(listQuery(filters)), { refreshMs: autoRefresh ? REFRESH_MS : undefined });
  // Older pages belong to one filter: a new filter starts again from its first page.
  const [older, setOlder] = useState<{ key: string; items: JobRecord[]; cursor: string | null | undefined; error?: unknown }>({ key, items: [], cursor: undefined });

  const page: JobPage | undefined = firstPage.data;
  const shown = older.key === key ? older : { items: [], cursor: undefined, error: undefined };
  const seen = new Set(page?.items.map((item) => item.id));
  const items = [...(page?.items ?? []), ...shown.items.filter((item) => !seen.has(item.id))];
  const cursor = shown.cursor === undefined ? page?.nextCursor : shown.cursor;

  const loadMore = async (): Promise<void> => {
    if (!cursor) return;
    try {
      const next = await session.client.listJobs(listQuery(filters, cursor));
      setOlder({ key, items: [...shown.items, ...next.items], cursor: next.nextCursor });
    } catch (error) {
      setOlder({ ...shown, key, error });
    }
  };

  const apply = (next: Filters): void => navigate(hashFor('jobs', { ...next }), { replace: true });

  return (
    <section>
      <div class="view-head">
        <h1 tabIndex={-1}>Jobs</h1>
        <label class="inline">
          <input type="checkbox" checked={autoRefresh} onChange={(event) => setAutoRefresh(event.currentTarget.checked)} /> Refresh every {REFRESH_MS / 1000} s
        </label>
      </div>
      <form
        class="filters"
        aria-label="Filter runs"
        onSubmit={(event) => {
          event.preventDefault();
          const form = new FormData(event.currentTarget);
          apply({
            type: formText(form, 'type') || undefined,
            status: formText(form, 'status') || undefined,
            since: wallTimeToInstant(formText(form, 'since'), zone)?.toISOString(),
            until: wallTimeToInstant(formText(form, 'until'), zone)?.toISOString(),
          });
        }}
      >
        <label>
          Type
          <select name="type" value={filters.type ?? ''} onChange={(event) => apply({ ...filters, type: event.currentTarget.value || undefined })}>
            <option value="">any</option>
            {(types.data ?? (filters.type ? [filters.type] : [])).map((type) => (
              <option key={type} value={type}>
                {type}
              </option>
            ))}
          </select>
        </label>
        <label>
          Status
          <select name="status" value={filters.status ?? ''} onChange={(event) => apply({ ...filters, status: event.currentTarget.value || undefined })}>
            <option value="">any</option>
            {STATUSES.map((status) => (
              <option key={status} value={status}>
                {status.replace('_', ' ')}
              </option>
            ))}
          </select>
        </label>
        <label>
          {timeHeading('Created after', zone)}
          <input type="datetime-local" name="since" value={instantToWallTime(filters.since, zone)} />
        </label>
        <label>
          {timeHeading('Created before', zone)}
          <input type="datetime-local" name="until" value={instantToWallTime(filters.until, zone)} />
        </label>
        <button type="submit">Apply</button>
        <button type="button" class="secondary" onClick={() => apply({})}>
          Clear
        </button>
      </form>
      <ErrorNotice error={firstPage.error} what="list the runs" />
      {firstPage.loading && !page ? (
        <Loading what="runs" />
      ) : (
        <>
          <p class="muted small" aria-live="polite">
            {items.length} run{items.length === 1 ? '' : 's'} shown{firstPage.loadedAt ? `, updated ${formatTimeNamed(firstPage.loadedAt, zone)}` : ''}
          </p>
          <JobsTable items={items} />
          {cursor && (
            <button type="button" onClick={() => void loadMore()}>
              Load older runs
            </button>
          )}
          <ErrorNotice error={shown.error} what="load older runs" />
        </>
      )}
    </section>
  );
}

function listQuery(filters: Filters, cursor?: string): JobListQuery {
  return {
    limit: PAGE_SIZE,
    ...(filters.type ? { type: filters.type } : {}),
    ...(filters.status ? { status: filters.status as JobStatus } : {}),
    ...(filters.since ? { since: filters.since } : {}),
    ...(filters.until ? { until: filters.until } : {}),
    ...(cursor ? { cursor } : {}),
  };
}

/**
 * The runs, newest first. On a phone (narrow screens, styles.css) each row becomes a card: the
 * cells stack under their labels (`data-label`) instead of the page scrolling sideways.
 */
export function JobsTable({ items }: { items: JobRecord[] }) {
  const zone = useTimeZone();
  if (items.length === 0) return <p class="empty">No runs match.</p>;
  const created = timeHeading('Created', zone);
  return (
    <div class="table-wrap">
      <table class="jobs">
        <caption class="visually-hidden">Runs, newest first</caption>
        <TableHead columns={['Run', 'Type', 'Status', 'Period', 'Trigger', created, 'Duration', 'Outcome']} />
        <tbody>
          {items.map((job) => (
            <tr key={job.id} class={`row-${job.status.replace('_', '-')}`}>
              <td class="cell-run">
                <a href={runHref(job.id)} class="mono">
                  {shortId(job.id)}
                </a>
              </td>
              <td class="cell-type">{job.type}</td>
              <td class="cell-status">
                <StatusBadge status={job.status} />
              </td>
              <td class={`cell-period mono${job.period ? '' : ' no-value'}`} data-label="Period">
                {job.period ?? '—'}
              </td>
              <td class="cell-trigger" data-label="Trigger">
                {job.trigger}
                <span class="muted small"> by {job.triggeredBy}</span>
              </td>
              <td class="cell-created" data-label="Created">
                <Time iso={job.createdAt} /> <span class="muted small">{formatAgo(job.createdAt)}</span>
              </td>
              <td class={`cell-duration num${job.durationMs === undefined ? ' no-value' : ''}`}>
                {formatDuration(job.durationMs)}
              </td>
              <td class="outcome">
                <Outcome job={job} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** The outcome in words; for a run whose product has a page (a proof's day), a link to it. */
function Outcome({ job }: { job: JobRecord }) {
  const text = describeOutcome(job);
  const produced = producedPage(job);
  if (!produced) return <>{text}</>;
  return (
    <a href={produced.href} title={`The ${produced.label}`}>
      {text || produced.label}
    </a>
  );
}
