import { useState } from 'preact/hooks';
import type { ProofCheck, ProofDocument } from '../../../functions/client';
import { ErrorNotice, Loading } from '../components/notices';
import { Time } from '../components/time';
import { TableHead } from '../components/table-head';
import { StatusBadge } from '../components/status-badge';
import { addDays, formatNumber, localDay } from '../format';
import { navigate } from '../router';
import type { Session } from '../session';
import { useLoad } from '../use-load';

const DAYS_LISTED = 45;

/** The proven days of the last weeks, and one day's checks: observed value, band, status, why. */
export function ProofsView({ session, date }: { session: Session; date: string | undefined }) {
  const days = useLoad('proof-days', async () => {
    const { timezone } = session;
    const to = localDay(new Date(), timezone);
    const from = addDays(to, -(DAYS_LISTED - 1));
    return { timezone, from, to, items: (await session.client.listProofs(from, to)).items.sort((a, b) => b.date.localeCompare(a.date)) };
  });
  const selected = date ?? days.data?.items[0]?.date;

  return (
    <section>
      <h1 tabIndex={-1}>Sampling proofs</h1>
      <ErrorNotice error={days.error} what="list the proofs" />
      {!days.data ? (
        !days.error && <Loading what="proofs" />
      ) : (
        <div class="split">
          <nav aria-label="Proven days" class="day-list">
            <h2 class="small">
              {days.data.from} – {days.data.to}
            </h2>
            {days.data.items.length === 0 ? (
              <p class="muted">No proofs in these days. The schedule <code>sampling-proof-daily</code> proves yesterday each night.</p>
            ) : (
              <ul class="plain">
                {days.data.items.map((item) => (
                  <li key={item.date}>
                    <a href={`#/proofs/${item.date}`} aria-current={item.date === selected ? 'page' : undefined}>
                      <span class="mono">{item.date}</span> <StatusBadge status={item.status} />
                    </a>
                  </li>
                ))}
              </ul>
            )}
          </nav>
          <div class="grow">{selected ? <ProofDay session={session} date={selected} /> : null}</div>
        </div>
      )}
    </section>
  );
}

function ProofDay({ session, date }: { session: Session; date: string }) {
  const proof = useLoad(`proof:${date}`, () => session.client.getProof(date));
  const [onlyProblems, setOnlyProblems] = useState(false);
  if (proof.error) return <ErrorNotice error={proof.error} what={`load the proof of ${date}`} />;
  if (!proof.data) return <Loading what={`the proof of ${date}`} />;
  const document: ProofDocument = proof.data;
  const checks = onlyProblems ? document.checks.filter((check) => check.status === 'warn' || check.status === 'critical') : document.checks;
  return (
    <article aria-labelledby="proof-title">
      <div class="view-head">
        <h2 id="proof-title">
          {document.date} <StatusBadge status={document.status} />
        </h2>
        <label class="inline">
          <input type="checkbox" checked={onlyProblems} onChange={(event) => setOnlyProblems(event.currentTarget.checked)} /> Only warn and critical
        </label>
      </div>
      <p class="small muted">
        {document.summary.pass} pass, {document.summary.warn} warn, {document.summary.critical} critical, {document.summary.skipped} skipped; days in {document.timezone}; generated{' '}
        <Time iso={document.generatedAt} named />.{' '}
        <a
          href={`#/chart?metric=${encodeURIComponent(firstProblemMetric(document) ?? '')}&to=${document.date}`}
          onClick={(event) => {
            event.preventDefault();
            navigate(`#/chart?metric=${encodeURIComponent(firstProblemMetric(document) ?? document.checks[0]?.metric ?? '')}&to=${document.date}`);
          }}
        >
          Chart around this day
        </a>
      </p>
      <div class="table-wrap">
        <table class="checks">
          <caption class="visually-hidden">Checks of {document.date}</caption>
          <TableHead columns={['Metric', 'Check', 'Status', { label: 'Observed', numeric: true }, 'Expected band', 'Message']} />
          <tbody>
            {checks.map((check) => (
              <tr key={check.id} class={`row-${check.status}`}>
                <th scope="row" class="mono">
                  {check.metric}
                </th>
                <td>{check.kind}</td>
                <td>
                  <StatusBadge status={check.status} />
                </td>
                <td class="num">{formatNumber(check.observed)}</td>
                <td class="mono small">{band(check)}</td>
                <td class="small">
                  {check.message}
                  {check.attribution && check.attribution.contributors.length > 0 ? (
                    <ul class="explanation">
                      {check.attribution.contributors.map((contributor) => (
                        <li key={contributor.segment}>{contributor.message}</li>
                      ))}
                    </ul>
                  ) : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </article>
  );
}

function band(check: ProofCheck): string {
  if (!check.expected) return '—';
  const { min, max } = check.expected;
  if (min === null && max === null) return '—';
  if (max === null) return `≥ ${formatNumber(min)}`;
  if (min === null) return `≤ ${formatNumber(max)}`;
  return `${formatNumber(min)} – ${formatNumber(max)}`;
}

function firstProblemMetric(document: ProofDocument): string | undefined {
  return document.checks.find((check) => check.status === 'critical')?.metric ?? document.checks.find((check) => check.status === 'warn')?.metric;
}
