import { useState } from 'preact/hooks';
import { formatTime, shortId, timeHeading, type SchedulerTask } from '../../../functions/client';
import { describeProblem, ErrorNotice, Loading } from '../components/notices';
import { Time, useTimeZone } from '../components/time';
import { TableHead } from '../components/table-head';
import { StatusBadge } from '../components/status-badge';
import { runHref } from '../run-links';
import type { Session } from '../session';
import { useLoad } from '../use-load';

/** Every schedule: expression and zone, next fire times, last run, DST warnings; admins may trigger one now. */
export function SchedulesView({ session }: { session: Session }) {
  const zone = useTimeZone();
  const tasks = useLoad('schedules', () => session.client.schedulerTasks(), { refreshMs: 15_000 });
  return (
    <section>
      <h1 tabIndex={-1}>Schedules</h1>
      <p class="muted">
        EventBridge Scheduler reads each expression in the schedule's own zone; the times here are the business zone's ({zone}). <em>Run now</em> starts what the schedule would
        start at its next fire (same job, period and parameters).
      </p>
      <ErrorNotice error={tasks.error} what="load the schedules" />
      {!tasks.data ? (
        !tasks.error && <Loading what="schedules" />
      ) : (
        <div class="table-wrap">
          <table class="schedules">
            <TableHead columns={['Schedule', 'Expression', timeHeading('Next fire times', zone), 'Last run', 'Warnings', ...(session.isAdmin ? ['Action'] : [])]} />
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
  const zone = useTimeZone();
  const [next, ...later] = task.nextRuns;
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
        {!next ? (
          <span class="muted">none</span>
        ) : (
          // The next fire time on its line; the ones after it folded, so a row stays one line high.
          <div class="small fire-times">
            <time dateTime={next.utc} title={`${next.utc} (UTC)`}>
              {formatTime(next.utc, zone)}
            </time>
            {later.length > 0 && (
              <details>
                <summary>{later.length} more</summary>
                <ol class="plain">
                  {later.map((run) => (
                    <li key={run.utc}>
                      <time dateTime={run.utc} title={`${run.utc} (UTC)`}>
                        {formatTime(run.utc, zone)}
                      </time>
                    </li>
                  ))}
                </ol>
              </details>
            )}
          </div>
        )}
      </td>
      <td>
        {task.lastRun ? (
          <>
            <a href={runHref(task.lastRun.id)} class="mono">
              {shortId(task.lastRun.id)}
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
          <a href={runHref(outcome.jobId ?? '')} class="mono">
            {shortId(outcome.jobId ?? '')}
          </a>
        </>)}
      </div>
    </div>
  );
}
