import type { AnnotationsPage, ProofDocument, ProofIndexEntry, StatsResult } from '../../../functions/client';
import { describeBand, MetricChart, type ChartPoint } from '../components/metric-chart';
import { ErrorNotice, Loading } from '../components/notices';
import { TableHead } from '../components/table-head';
import { addDays, formatNumber, formText, localDay } from '../format';
import { hashFor, navigate } from '../router';
import type { Session } from '../session';
import { useLoad } from '../use-load';

const MEASURES = { sum: 'sum', count: 'count', avg: 'average', max: 'max', min: 'min' } as const;
type Measure = keyof typeof MEASURES;
const DEFAULT_DAYS = 28;
const MAX_DAYS = 366;

/** A metric's daily values over a range over its trend's expected band, with the days its sampling proof judged warn or critical, holidays and annotations marked. */
export function ChartView({ session, query }: { session: Session; query: URLSearchParams }) {
  const catalog = useLoad('metrics', () => session.client.metrics());
  if (catalog.error) return <ErrorNotice error={catalog.error} what="load the metrics" />;
  if (!catalog.data) return <Loading what="metrics" />;
  const { timezone, metrics } = catalog.data;
  const yesterday = addDays(localDay(new Date(), timezone), -1);
  // Ratios have no daily stats of their own: a link naming one (from a proof) charts its numerator.
  const asked = query.get('metric') ?? '';
  const ratio = catalog.data.ratios.find((entry) => entry.name === asked);
  const metric = metrics.some((entry) => entry.name === asked) ? asked : (ratio?.numerator ?? metrics[0]?.name ?? '');
  const to = validDay(query.get('to')) ?? yesterday;
  const from = validDay(query.get('from')) ?? addDays(to, -(DEFAULT_DAYS - 1));
  const measure = measureOf(query.get('measure'));
  const apply = (next: Record<string, string>): void => navigate(hashFor('chart', { metric, from, to, measure, ...next }), { replace: true });

  return (
    <section>
      <h1 tabIndex={-1}>Metric chart</h1>
      <form
        class="filters"
        aria-label="Chart options"
        onSubmit={(event) => {
          event.preventDefault();
          const form = new FormData(event.currentTarget);
          apply({ from: formText(form, 'from'), to: formText(form, 'to') });
        }}
      >
        <label>
          Metric
          <select value={metric} onChange={(event) => apply({ metric: event.currentTarget.value })}>
            {metrics.map((entry) => (
              <option key={entry.name} value={entry.name}>
                {entry.name}
                {entry.unit ? ` (${entry.unit})` : ''}
              </option>
            ))}
          </select>
        </label>
        <label>
          Value
          <select value={measure} onChange={(event) => apply({ measure: event.currentTarget.value })}>
            {Object.entries(MEASURES).map(([value, text]) => (
              <option key={value} value={value}>
                {text}
              </option>
            ))}
          </select>
        </label>
        <label>
          From
          <input type="date" name="from" value={from} max={to} required />
        </label>
        <label>
          To
          <input type="date" name="to" value={to} min={from} required />
        </label>
        <button type="submit">Show</button>
      </form>
      <p class="small muted">Local days in {timezone}.</p>
      {metric ? <ChartData session={session} metric={metric} from={from} to={to} measure={measure} /> : <p>No metrics are configured.</p>}
    </section>
  );
}

function ChartData({ session, metric, from, to, measure }: { session: Session; metric: string; from: string; to: string; measure: Measure }) {
  const series = useLoad(`chart:${metric}:${from}:${to}`, () => loadSeries(session, metric, from, to));
  if (series.error) return <ErrorNotice error={series.error} what={`load ${metric}`} />;
  if (!series.data) return <Loading what={`${metric} and its proofs`} />;
  const points: ChartPoint[] = series.data.days.map((day) => {
    const stats = series.data!.stats.get(day);
    return { day, value: stats ? valueOf(stats, measure) : null, mark: series.data!.marks.get(day), band: series.data!.bands.get(day), calendar: series.data!.calendar.get(day) };
  });
  const marked = points.filter((point) => point.mark);
  const description = `${MEASURES[measure]} of ${metric} per day, ${from} to ${to}: ${points.filter((point) => point.value !== null).length} days with data, ${marked.filter((point) => point.mark?.status === 'warn').length} warn and ${marked.filter((point) => point.mark?.status === 'critical').length} critical proof days marked`;
  return (
    <>
      <MetricChart points={points} label={`${metric} (${MEASURES[measure]})`} description={description} />
      <p class="legend small" aria-hidden="true">
        <span class="key key-line">● value</span> <span class="key key-warn">▲ proof warn</span> <span class="key key-critical">◆ proof critical</span>{' '}
        <span class="key key-calendar">★ holiday or annotation</span> <span class="key key-band">▇ expected (pass)</span> <span class="key key-warn-zone">▇ warn, critical beyond</span>
      </p>
      {measure !== 'sum' && <p class="small muted">The expected band is the trend check's, on the daily sum.</p>}
      {series.data.incompleteDays.length > 0 && (
        <p class="notice" role="status">
          Not complete yet: {series.data.incompleteDays.join(', ')}. Accepted events of {series.data.incompleteDays.length === 1 ? 'that day are' : 'those days are'} still being
          rolled up; the chart updates when you reload.
        </p>
      )}
      {series.data.missingProofs > 0 && <p class="small muted">{series.data.missingProofs} day(s) of the range have no proof yet.</p>}
      <h2>Marked days</h2>
      {marked.length === 0 ? (
        <p class="muted">No warn or critical proof for {metric} in this range.</p>
      ) : (
        <ul class="marks">
          {marked.map((point) => (
            <li key={point.day}>
              <a href={`#/proofs/${point.day}`} class="mono">
                {point.day}
              </a>{' '}
              <span class={`badge badge-${point.mark!.status}`}>{point.mark!.status}</span> {point.mark!.messages.join(' · ')}
            </li>
          ))}
        </ul>
      )}
      <details>
        <summary>Data table</summary>
        <table class="compact">
          <TableHead columns={['Day', { label: MEASURES[measure], numeric: true }, 'Expected', 'Proof', 'Calendar', 'Complete']} />
          <tbody>
            {points.map((point) => (
              <tr key={point.day}>
                <th scope="row" class="mono">
                  {point.day}
                </th>
                <td class="num">{formatNumber(point.value)}</td>
                <td class="mono small">{point.band ? describeBand(point.band.warn) : ''}</td>
                <td>{point.mark?.status ?? ''}</td>
                <td class="small">{point.calendar?.join('; ') ?? ''}</td>
                <td>{series.data!.incompleteDays.includes(point.day) ? 'not yet' : 'yes'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </>
  );
}

type DayStats = StatsResult['items'][number];

interface Series {
  days: string[];
  stats: Map<string, DayStats>;
  /** Days whose stats may not hold every accepted event yet. */
  incompleteDays: string[];
  marks: Map<string, NonNullable<ChartPoint['mark']>>;
  /** The trend's expected band per proven day (the proof index carries it). */
  bands: Map<string, NonNullable<ChartPoint['band']>>;
  /** Holidays and the annotations concerning the metric, in words, per day. */
  calendar: Map<string, string[]>;
  missingProofs: number;
}

/** The stats, the proof index and the annotations of the range; then, for the few days that are not `pass`, their checks of this metric. */
async function loadSeries(session: Session, metric: string, from: string, to: string): Promise<Series> {
  const days: string[] = [];
  for (let day = from; day <= to && days.length < MAX_DAYS; day = addDays(day, 1)) days.push(day);
  const [stats, proofs, annotations] = await Promise.all([session.client.stats({ metric, from, to }), session.client.listProofs(from, to), session.client.listAnnotations(from, to)]);
  const flagged = proofs.items.filter((item) => item.status !== 'pass');
  const documents = await Promise.all(flagged.map((item) => session.client.getProof(item.date)));
  const marks = new Map<string, NonNullable<ChartPoint['mark']>>();
  for (const document of documents) {
    const mark = markOf(document, metric);
    if (mark) marks.set(document.date, mark);
  }
  const proven = new Set(proofs.items.map((item) => item.date));
  return {
    days,
    stats: new Map(stats.items.map((item) => [item.day, item])),
    incompleteDays: stats.incompleteDays,
    marks,
    bands: bandsOf(proofs.items, metric),
    calendar: calendarOf(days, annotations, metric),
    missingProofs: days.filter((day) => !proven.has(day)).length,
  };
}

function bandsOf(entries: readonly ProofIndexEntry[], metric: string): Series['bands'] {
  const bands: Series['bands'] = new Map();
  for (const entry of entries) {
    const band = entry.bands?.[metric];
    if (band) bands.set(entry.date, { warn: band.warn, critical: band.critical });
  }
  return bands;
}

/** Per day: the holidays (as the proofs recorded them) and the annotations that concern the metric. */
function calendarOf(days: readonly string[], page: AnnotationsPage, metric: string): Series['calendar'] {
  const calendar: Series['calendar'] = new Map();
  const add = (day: string, words: string) => calendar.set(day, [...(calendar.get(day) ?? []), words]);
  for (const holiday of page.holidays) add(holiday.day, `holiday: ${holiday.name} (${holiday.region})`);
  for (const annotation of page.items) {
    if (annotation.metrics.length > 0 && !annotation.metrics.includes(metric)) continue;
    const until = annotation.kind === 'new_normal' ? annotation.from : annotation.to;
    for (const day of days) if (day >= annotation.from && day <= until) add(day, `${annotation.kind.replace('_', ' ')} (${annotation.createdBy}): ${annotation.note}`);
  }
  return calendar;
}

function markOf(document: ProofDocument, metric: string): ChartPoint['mark'] {
  const problems = document.checks.filter((check) => check.metric === metric && (check.status === 'warn' || check.status === 'critical'));
  if (problems.length === 0) return undefined;
  return { status: problems.some((check) => check.status === 'critical') ? 'critical' : 'warn', messages: problems.map((check) => `${check.kind}: ${check.message}`) };
}

function valueOf(stats: DayStats, measure: Measure): number | null {
  if (measure === 'avg') return stats.count === 0 ? null : stats.sum / stats.count;
  return stats[measure];
}

function measureOf(value: string | null): Measure {
  return value !== null && Object.hasOwn(MEASURES, value) ? (value as Measure) : 'sum';
}

function validDay(value: string | null): string | undefined {
  return value && /^\d{4}-\d{2}-\d{2}$/.test(value) ? value : undefined;
}
