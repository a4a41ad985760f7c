import { useEffect, useState } from 'preact/hooks';
import { describeOutcome, formatBytes, TERMINAL_STATUSES, type JobDetail, type JobLogs, type LogStream } from '../../../functions/client';
import { describeProblem, ErrorNotice, JsonBlock, Loading } from '../components/notices';
import { Time } from '../components/time';
import { TableHead } from '../components/table-head';
import { StatusBadge } from '../components/status-badge';
import { Tabs } from '../components/tabs';
import { formatDuration } from '../format';
import { navigate } from '../router';
import { producedPage, runHref } from '../run-links';
import type { Session } from '../session';
import { useLoad } from '../use-load';

/** One run: its record, artifacts, logs, and "run again" (and "release" of a held output) for admins. Refreshes until the run ends. */
export function JobDetailView({ session, id }: { session: Session; id: string }) {
  const [finished, setFinished] = useState(false);
  const job = useLoad(`job:${id}`, () => session.client.getJob(id), { refreshMs: finished ? undefined : 2000 });
  const done = job.data ? TERMINAL_STATUSES.includes(job.data.status) : false;
  useEffect(() => setFinished(done), [done]);

  return (
    <section>
      <p class="crumbs">
        <a href="#/jobs">← Jobs</a>
      </p>
      {job.data ? (
        <>
          <div class="view-head">
            <h1 tabIndex={-1}>
              {job.data.type} <span class="mono muted">{job.data.id}</span>
            </h1>
            <StatusBadge status={job.data.status} />
          </div>
          {session.isAdmin && <RunAgain session={session} job={job.data} />}
          {session.isAdmin && job.data.status === 'held' && <Release session={session} job={job.data} onReleased={job.reload} />}
          <ErrorNotice error={job.error} what="refresh the run" />
          <Record job={job.data} />
          <Artifacts job={job.data} />
          {job.data.type === 'script-run' && <Logs session={session} job={job.data} />}
        </>
      ) : job.error ? (
        <>
          <h1 tabIndex={-1}>Run {id}</h1>
          <ErrorNotice error={job.error} what="load the run" />
        </>
      ) : (
        <Loading what="the run" />
      )}
    </section>
  );
}

function Record({ job }: { job: JobDetail }) {
  const rows: Array<[string, preact.ComponentChildren]> = [
    ['Status', <StatusBadge status={job.status} />],
    ['Trigger', `${job.trigger} by ${job.triggeredBy}`],
    ['Period', job.period ?? '—'],
    ['Scheduled for', <Time iso={job.scheduledFor} named />],
    ['Created', <Time iso={job.createdAt} named />],
    ['Started', <Time iso={job.startedAt} named />],
    ['Finished', <Time iso={job.finishedAt} named />],
    ['Duration', formatDuration(job.durationMs)],
  ];
  const outcome = describeOutcome(job);
  if (outcome) rows.push(['Outcome', outcome]);
  const produced = producedPage(job);
  if (produced) rows.push(['Produced', <a href={produced.href}>The {produced.label}</a>]);
  if (job.replaces) rows.push(['Replaces', <a href={runHref(job.replaces)}>{job.replaces}</a>]);
  if (job.deadlineAt) rows.push(['Deadline', <Time iso={job.deadlineAt} named />]);
  if (job.exitCode !== undefined) rows.push(['Exit code', String(job.exitCode)]);
  if (job.status === 'held') rows.push(['Held for', `critical sampling proof on ${heldFor(job).join(', ')}: the output waits under quarantine/ until an admin releases it`]);
  if (job.releasedBy !== undefined) rows.push(['Released', <>by {job.releasedBy} <Time iso={job.releasedAt} named /></>]);
  if (job.force) rows.push(['Forced', 'yes: ran although the period had a run']);
  if (job.skippedFor) rows.push(['Covered by', <a href={runHref(job.skippedFor)}>{job.skippedFor}</a>]);
  if (job.waitingFor) {
    rows.push([
      job.status === 'queued' ? 'Waiting behind' : 'Waited behind',
      <>
        <a href={runHref(job.waitingFor)}>{job.waitingFor}</a> (held the lease; {job.waits ?? 1} {job.waits === 1 ? 'try' : 'tries'} since <Time iso={job.waitingSince} named />)
      </>,
    ]);
  }
  if (job.status === 'queued' && job.nextAttemptAt) rows.push(['Next try', <Time iso={job.nextAttemptAt} named />]);
  return (
    <>
      {job.error && (
        <div class="notice notice-error" role="alert">
          <strong>{job.error.code}</strong>: {job.error.message}
        </div>
      )}
      <h2>Record</h2>
      <dl class="record">
        {rows.map(([name, value]) => (
          <div key={name}>
            <dt>{name}</dt>
            <dd>{value}</dd>
          </div>
        ))}
      </dl>
      <div class="two-columns">
        <div>
          <h3>Parameters</h3>
          <JsonBlock value={job.params} label="parameters" />
        </div>
        <div>
          <h3>Summary</h3>
          {job.summary ? <JsonBlock value={job.summary} label="summary" /> : <p class="muted">No summary (yet).</p>}
        </div>
      </div>
    </>
  );
}

function Artifacts({ job }: { job: JobDetail }) {
  return (
    <>
      <h2>Artifacts</h2>
      {job.artifacts.length === 0 ? (
        <p class="muted">No artifacts.</p>
      ) : (
        <div class="table-wrap">
          <table>
            <TableHead columns={['Name', 'Key', 'Type', { label: 'Size', numeric: true }, 'Download']} />
            <tbody>
              {job.artifacts.map((artifact) => (
                <tr key={artifact.key}>
                  <td>{artifact.name}</td>
                  <td class="mono small">{artifact.key}</td>
                  <td>{artifact.contentType}</td>
                  <td class="num">{formatBytes(artifact.size)}</td>
                  <td>
                    <a href={artifact.url} download={artifact.key.split('/').pop()} rel="noreferrer">
                      Download<span class="visually-hidden"> {artifact.name}</span>
                    </a>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <p class="muted small">Links are presigned and valid for 15 minutes; reload the page for fresh ones.</p>
    </>
  );
}

function Logs({ session, job }: { session: Session; job: JobDetail }) {
  const [tab, setTab] = useState<'stdout' | 'stderr'>('stdout');
  const done = TERMINAL_STATUSES.includes(job.status);
  const logs = useLoad(`logs:${job.id}:${done}`, () => session.client.getJobLogs(job.id), { refreshMs: done ? undefined : 3000 });
  return (
    <>
      <h2>Logs</h2>
      <ErrorNotice error={logs.error} what="load the logs" />
      {!logs.data ? (
        !logs.error && <Loading what="logs" />
      ) : !logs.data.available ? (
        <p class="muted">{logs.data.message}</p>
      ) : (
        <Tabs
          label="Log streams"
          selected={tab}
          onSelect={(id) => setTab(id as 'stdout' | 'stderr')}
          tabs={(['stdout', 'stderr'] as const).map((stream) => ({ id: stream, label: streamLabel(stream, logs.data as Extract<JobLogs, { available: true }>), content: () => <LogText stream={(logs.data as Extract<JobLogs, { available: true }>)[stream]} name={stream} /> }))}
        />
      )}
    </>
  );
}

function streamLabel(stream: 'stdout' | 'stderr', logs: Extract<JobLogs, { available: true }>): string {
  const data = logs[stream];
  return data ? `${stream} (${formatBytes(data.size)})` : `${stream} (none)`;
}

function LogText({ stream, name }: { stream: LogStream | null; name: string }) {
  if (!stream) return <p class="muted">Nothing was written to {name}.</p>;
  return (
    <>
      {stream.truncated && (
        <p class="notice">
          Cut at the output cap: {formatBytes(stream.bytesWritten)} were written, {formatBytes(stream.size)} kept.
        </p>
      )}
      {stream.inline && stream.text !== undefined ? (
        <pre class="log" data-stream={name}>
          {stream.text || '(empty)'}
        </pre>
      ) : (
        <p>Too large to show here.</p>
      )}
      <p class="small">
        <a href={stream.url} rel="noreferrer">
          Download {name}
        </a>
      </p>
    </>
  );
}

function RunAgain({ session, job }: { session: Session; job: JobDetail }) {
  return (
    <ConfirmedAction
      label="Run again"
      confirmation="Confirm run again"
      question={`Start a new ${job.type} run${job.period ? ` for ${job.period} (forced: it runs although the period has a run)` : ''} with the same parameters?`}
      doIt="Start it"
      doing="Starting…"
      act={async () => {
        const result = await session.client.submitJob({ type: job.type, params: job.params, ...(job.period ? { period: job.period, force: true } : {}) });
        navigate(runHref(result.existingJobId ?? result.job.id));
      }}
    />
  );
}

/** A button that asks first, then acts; a refusal is shown beside it. */
function ConfirmedAction(props: { label: string; confirmation: string; question: string; doIt: string; doing: string; act: () => Promise<void> }) {
  const [confirming, setConfirming] = useState(false);
  const [problem, setProblem] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
  const start = async (): Promise<void> => {
    setBusy(true);
    setProblem(undefined);
    try {
      await props.act();
    } catch (error) {
      setProblem(describeProblem(error));
    } finally {
      setBusy(false);
      setConfirming(false);
    }
  };
  return (
    <div class="actions">
      {confirming ? (
        <div class="confirm" role="group" aria-label={props.confirmation}>
          <span>{props.question}</span>
          <button type="button" onClick={() => void start()} disabled={busy}>
            {busy ? props.doing : props.doIt}
          </button>
          <button type="button" class="secondary" onClick={() => setConfirming(false)}>
            Cancel
          </button>
        </div>
      ) : (
        <button type="button" onClick={() => setConfirming(true)}>
          {props.label}
        </button>
      )}
      {problem && (
        <p class="notice notice-error" role="alert">
          {problem}
        </p>
      )}
    </div>
  );
}

function heldFor(job: JobDetail): string[] {
  const days = job.summary?.['heldFor'];
  return Array.isArray(days) ? days.map(String) : [];
}

/** Publishes a held run's quarantined output to its normal key (POST /jobs/{id}/release), after a confirmation; the API records who. */
function Release({ session, job, onReleased }: { session: Session; job: JobDetail; onReleased: () => void }) {
  return (
    <ConfirmedAction
      label="Release"
      confirmation="Confirm release"
      question={`Publish this ${job.type}'s output although its sampling proof of ${heldFor(job).join(', ')} is critical? The release is recorded under your name.`}
      doIt="Release it"
      doing="Releasing…"
      act={async () => {
        await session.client.release(job.id);
        onReleased();
      }}
    />
  );
}
