import { useState } from 'preact/hooks';
import type { JobListQuery, JobPage, JobRecord, JobStatus } from '../../../functions/client';
import { ErrorNotice, Loading, Time } from '../components/notices';
import { TableHead } from '../components/table-head';
import { StatusBadge } from '../components/status-badge';
import { formatAgo, formatDuration, formText, isoToLocalInput, localInputToIso } from '../format';
import { hashFor, navigate } from '../router';
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
            since: localInputToIso(formText(form, 'since')),
            until: localInputToIso(formText(form, 'until')),
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
          Created after
          <input type="datetime-local" name="since" value={isoToLocalInput(filters.since)} />
        </label>
        <label>
          Created before
          <input type="datetime-local" name="until" value={isoToLocalInput(filters.until)} />
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
            {items.length} run{items.length === 1 ? '' : 's'} shown{firstPage.loadedAt ? `, updated ${firstPage.loadedAt.toLocaleTimeString()}` : ''}
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

export function JobsTable({ items }: { items: JobRecord[] }) {
  if (items.length === 0) return <p class="empty">No runs match.</p>;
  return (
    <div class="table-wrap">
      <table class="jobs">
        <caption class="visually-hidden">Runs, newest first</caption>
        <TableHead columns={['Run', 'Type', 'Status', 'Period', 'Trigger', 'Created', 'Duration', 'Outcome']} />
        <tbody>
          {items.map((job) => (
            <tr key={job.id} class={`row-${job.status.replace('_', '-')}`}>
              <td>
                <a href={`#/jobs/${encodeURIComponent(job.id)}`} class="mono">
                  {job.id.slice(-8)}
                </a>
              </td>
              <td>{job.type}</td>
              <td>
                <StatusBadge status={job.status} />
              </td>
              <td class="mono">{job.period ?? '—'}</td>
              <td>
                {job.trigger}
                <span class="muted small"> by {job.triggeredBy}</span>
              </td>
              <td>
                <Time iso={job.createdAt} /> <span class="muted small">{formatAgo(job.createdAt)}</span>
              </td>
              <td class="num">{formatDuration(job.durationMs)}</td>
              <td class="outcome">{outcomeOf(job)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function outcomeOf(job: JobRecord): string {
  if (job.error) return job.error.message;
  if (job.skippedFor) return `covered by ${job.skippedFor.slice(-8)}`;
  if (job.status === 'queued' && job.waitingFor) return `waiting behind ${job.waitingFor.slice(-8)} (lease held)`;
  const summary = job.summary ?? {};
  const parts = Object.entries(summary)
    .filter(([, value]) => typeof value === 'number' || typeof value === 'string' || typeof value === 'boolean')
    .slice(0, 3)
    .map(([name, value]) => `${name} ${String(value)}`);
  return parts.join(', ');
}
