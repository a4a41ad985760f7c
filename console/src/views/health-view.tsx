import { shortId, timeHeading } from '../../../functions/client';
import { ErrorNotice, Loading } from '../components/notices';
import { Time, useTimeZone } from '../components/time';
import { TableHead } from '../components/table-head';
import { StatusBadge } from '../components/status-badge';
import { formatDuration } from '../format';
import { runHref } from '../run-links';
import type { Session } from '../session';
import { useLoad } from '../use-load';

/** `GET /health` per job type: healthy or not, why, and the last success. */
export function HealthView({ session }: { session: Session }) {
  const zone = useTimeZone();
  const health = useLoad('health', () => session.client.health(), { refreshMs: 15_000 });
  return (
    <section>
      <div class="view-head">
        <h1 tabIndex={-1}>Health</h1>
        {health.data && <StatusBadge status={health.data.status} />}
      </div>
      <p class="muted">
        A scheduled job type is unhealthy when no run of it ran to the end within twice its schedule's interval (a critical sampling proof ran to the end: the job did its work, the data did not pass).
      </p>
      <ErrorNotice error={health.error} what="load the health report" />
      {!health.data ? (
        !health.error && <Loading what="health" />
      ) : (
        <>
          <p class="small muted">
            Version {health.data.version}, checked <Time iso={health.data.time} named />
          </p>
          <div class="table-wrap">
            <table>
              <TableHead columns={['Job type', 'Health', 'Why', 'Schedules', timeHeading('Last success', zone), 'Last run']} />
              <tbody>
                {Object.entries(health.data.jobs).map(([type, job]) => (
                  <tr key={type}>
                    <th scope="row">
                      <a href={`#/jobs?type=${encodeURIComponent(type)}`}>{type}</a>
                    </th>
                    <td>
                      <StatusBadge status={job.healthy ? 'healthy' : 'unhealthy'} />
                    </td>
                    <td>{job.reason}</td>
                    <td class="small">
                      {job.schedules.length ? job.schedules.join(', ') : <span class="muted">on demand</span>}
                      {job.intervalMs ? <div class="muted">every {formatDuration(job.intervalMs)}</div> : null}
                    </td>
                    <td>{job.lastSuccess ? <RunLink id={job.lastSuccess.id} iso={job.lastSuccess.finishedAt ?? job.lastSuccess.createdAt} /> : <span class="muted">none recently</span>}</td>
                    <td>
                      {job.lastRun ? (
                        <>
                          <RunLink id={job.lastRun.id} iso={job.lastRun.createdAt} /> <StatusBadge status={job.lastRun.status} />
                        </>
                      ) : (
                        <span class="muted">never</span>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
    </section>
  );
}

function RunLink({ id, iso }: { id: string; iso: string }) {
  return (
    <>
      <a href={runHref(id)} class="mono">
        {shortId(id)}
      </a>{' '}
      <span class="small">
        <Time iso={iso} />
      </span>
    </>
  );
}
