import { useState } from 'preact/hooks';
import type { SchedulerTask } from '../../../functions/client';
import { describeProblem, ErrorNotice, Loading, Time } from '../components/notices';
import { TableHead } from '../components/table-head';
import { StatusBadge } from '../components/status-badge';
import type { Session } from '../session';
import { useLoad } from '../use-load';

/** Every schedule: expression and zone, next fire times, last run, DST warnings; admins may trigger one now. */
export function SchedulesView({ session }: { session: Session }) {
  const tasks = useLoad('schedules', () => session.client.schedulerTasks(), { refreshMs: 15_000 });
  return (
    <section>
      <h1 tabIndex={-1}>Schedules</h1>
      <p class="muted">
        EventBridge Scheduler fires these in their own time zone. <em>Run now</em> starts what the schedule would start at its next fire (same job, period and parameters).
      </p>
      <ErrorNotice error={tasks.error} what="load the schedules" />
      {!tasks.data ? (
        !tasks.error && <Loading what="schedules" />
      ) : (
        <div class="table-wrap">
          <table class="schedules">
            <TableHead columns={['Schedule', 'Expression', 'Next fire times', 'Last run', 'Warnings', ...(session.isAdmin ? ['Action'] : [])]} />
            <tbody>
              {tasks.data.tasks.map((task) => (
                <ScheduleRow key={task.name} task={task} session={session} onTriggered={tasks.reload} />
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

function ScheduleRow({ task, session, onTriggered }: { task: SchedulerTask; session: Session; onTriggered: () => void }) {
  return (
    <tr>
      <th scope="row">
        <span class="mono">{task.name}</span>
        <div class="small muted">
          {task.type}
          {task.period !== 'none' ? `, ${task.period}` : ''}
          {task.enabled ? '' : ', disabled'}
        </div>
        {task.description && <div class="small">{task.description}</div>}
      </th>
      <td>
        <code>{task.expression}</code>
        <div class="small muted">{task.timezone}</div>
      </td>
      <td>
        {task.nextRuns.length === 0 ? (
          <span class="muted">none</span>
        ) : (
          <ol class="plain small">
            {task.nextRuns.map((run) => (
              <li key={run.utc}>
                <time dateTime={run.utc} title={`${run.utc} (UTC)`}>
                  {compactLocal(run.local)}
                </time>
              </li>
            ))}
          </ol>
        )}
      </td>
      <td>
        {task.lastRun ? (
          <>
            <a href={`#/jobs/${encodeURIComponent(task.lastRun.id)}`} class="mono">
              {task.lastRun.id.slice(-8)}
            </a>{' '}
            <StatusBadge status={task.lastRun.status} />
            <div class="small">
              <Time iso={task.lastRun.createdAt} />
            </div>
          </>
        ) : (
          <span class="muted">never</span>
        )}
      </td>
      <td>
        {task.warnings.length === 0 ? (
          <span class="muted">—</span>
        ) : (
          <ul class="plain small warnings">
            {task.warnings.map((warning) => (
              <li key={warning.code + warning.dates.join()}>
                <span class="badge badge-warning">{warning.code.replace(/_/g, ' ')}</span> {warning.message}
              </li>
            ))}
          </ul>
        )}
      </td>
      {session.isAdmin && (
        <td>
          <TriggerButton name={task.name} session={session} onTriggered={onTriggered} />
        </td>
      )}
    </tr>
  );
}

function TriggerButton({ name, session, onTriggered }: { name: string; session: Session; onTriggered: () => void }) {
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<{ text: string; jobId?: string; error?: boolean } | undefined>();
  const trigger = async (): Promise<void> => {
    setBusy(true);
    try {
      const result = await session.client.triggerSchedule(name);
      const jobId = result.existingJobId ?? result.job.id;
      setOutcome(result.existingJobId ? { text: 'Already covered by', jobId } : { text: 'Started', jobId });
      onTriggered();
    } catch (error) {
      setOutcome({ text: describeProblem(error), error: true });
    } finally {
      setBusy(false);
    }
  };
  return (
    <div>
      <button type="button" onClick={() => void trigger()} disabled={busy} aria-label={`Run ${name} now`}>
        {busy ? 'Starting…' : 'Run now'}
      </button>
      <div class="small" role="status">
        {outcome && (outcome.error ? <span class="error-text">{outcome.text}</span> : <>
          {outcome.text}{' '}
          <a href={`#/jobs/${encodeURIComponent(outcome.jobId ?? '')}`} class="mono">
            {outcome.jobId?.slice(-8)}
          </a>
        </>)}
      </div>
    </div>
  );
}

/** `2026-11-24T03:00:00.000-08:00` → `2026-11-24 03:00 −08:00`: the wall clock of the schedule's zone. */
function compactLocal(local: string): string {
  const match = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2})(?::\d{2}(?:\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.exec(local);
  return match ? `${match[1]} ${match[2]} ${match[3] === 'Z' ? 'UTC' : match[3]!.replace('-', '−')}` : local;
}
