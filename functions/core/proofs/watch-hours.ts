import type { NightshiftConfig } from '../config';
import type { Logger } from '../jobs/logger';
import type { HourKey, HourPartial, RollupStore } from '../rollup/ports';
import { localDay } from '../time/periods';
import { baselineDays } from './evaluate-proof';
import { cellsOfPartials } from './explain';
import { advanceWatch, incidentSubject, judgeHour, watchDecision, type HourFacts, type TrendCheck, type WatchEvent, type WatchState } from './hourly-watch';
import type { Alerter, WatchStore } from './ports';

const HOUR_MS = 3_600_000;
/** Hours a watch catches up after a gap (rollups that did not run); older ones are the nightly proof's. */
const MAX_CATCH_UP_HOURS = 6;

export interface HourlyWatchInput {
  config: NightshiftConfig;
  store: Pick<RollupStore, 'partialsOf'>;
  watches: WatchStore;
  alerter: Alerter;
  now: Date;
  jobId: string;
  log: Logger;
}

export interface HourlyWatchReport {
  /** Checks watched, hours judged, incidents opened / escalated / closed by this run. */
  watched: string[];
  hoursJudged: number;
  opened: number;
  escalated: number;
  closed: number;
  /** Why a trend check is not watched. */
  notWatched: Record<string, string>;
  /** What this run alerted (opened or escalated incidents), as the alert said it: shown with the run. */
  alerts: Array<{ subject: string; status: 'warn' | 'critical'; explanation: string[] }>;
}

/**
 * After a rollup: judges, for each watched trend check, the hours that closed since its last
 * judgement (at most the last six), moves its incident state with one conditional write, and
 * alerts on an incident opened or escalated. A write that loses to another run alerts nothing
 * (that run judged the same hours).
 */
export async function watchClosedHours(input: HourlyWatchInput): Promise<HourlyWatchReport> {
  const { config, now, log } = input;
  const lastClosed = hourKey(Math.floor(now.getTime() / HOUR_MS) * HOUR_MS - HOUR_MS);
  const partials = new PartialsCache(input.store, config.timezone);
  const report: HourlyWatchReport = { watched: [], hoursJudged: 0, opened: 0, escalated: 0, closed: 0, notWatched: {}, alerts: [] };
  const ids = new Map<string, number>();
  for (const check of config.checks) {
    if (check.kind !== 'trend') continue;
    const seen = (ids.get(check.metric) ?? 0) + 1;
    ids.set(check.metric, seen);
    const checkId = seen === 1 ? `trend:${check.metric}` : `trend:${check.metric}#${seen}`;
    const configured = watchDecision(check, config, Number.POSITIVE_INFINITY);
    if (!configured.watched) {
      report.notWatched[checkId] = configured.reason;
      continue;
    }
    // Most rollups (debounced after ingest) close no new hour: nothing more to read then.
    const state = (await input.watches.get(checkId)) ?? { checkId, metric: check.metric, version: 0 };
    const hours = hoursToJudge(state, lastClosed);
    if (hours.length === 0) continue;
    const decision = watchDecision(check, config, await partials.meanEventsPerHour(check, lastClosed));
    if (!decision.watched) {
      report.notWatched[checkId] = decision.reason;
      continue;
    }
    report.watched.push(checkId);
    const lookup = await partials.lookupFor(check.metric, hours, check.baselinePoints);
    const judgements = hours.map((hour) => judgeHour(check, hour, lookup, config.timezone, config.dimensions));
    const { state: next, events } = advanceWatch(state, judgements);
    if (!(await input.watches.put(next, state.version))) {
      log.info('another run moved the hourly watch first; leaving it', { checkId });
      continue;
    }
    report.hoursJudged += hours.length;
    for (const event of events) {
      report[event.type] += 1;
      if (event.type === 'closed') log.info('hourly incident closed', { checkId, firstHour: event.incident.firstHour, lastHour: event.incident.lastHour, hours: event.incident.hours });
      else report.alerts.push(await publish(input, check, event));
    }
  }
  return report;
}

/** From the hour after the last judged one (or the last closed hour on a first run) to the last closed one. */
function hoursToJudge(state: WatchState, lastClosed: HourKey): HourKey[] {
  const last = hourStart(lastClosed);
  const first = state.judgedThrough === undefined ? last : Math.max(hourStart(state.judgedThrough) + HOUR_MS, last - (MAX_CATCH_UP_HOURS - 1) * HOUR_MS);
  const hours: HourKey[] = [];
  for (let at = first; at <= last; at += HOUR_MS) hours.push(hourKey(at));
  return hours;
}

async function publish(input: HourlyWatchInput, check: TrendCheck, event: WatchEvent): Promise<HourlyWatchReport['alerts'][number]> {
  const { judgement, incident } = event;
  const status = judgement.status === 'critical' ? 'critical' : 'warn';
  const lines = [`${judgement.message}`, ...incident.explanation.map((line) => `explained by ${line}`)];
  if (event.type === 'escalated') lines.unshift(`open since ${incident.localStart} (${incident.hours} hours)`);
  const subject = incidentSubject(check.metric, event);
  try {
    await input.alerter.publish({
      date: judgement.localStart.slice(0, 10),
      status,
      exitCode: status === 'critical' ? 2 : 1,
      subject,
      message: lines.join('\n'),
      jobId: input.jobId,
    });
  } catch (error) {
    input.log.error('hourly watch alert could not be published', { metric: check.metric, hour: judgement.hour, error: error instanceof Error ? error.message : String(error) });
  }
  return { subject, status, explanation: incident.explanation };
}

const hourKey = (ms: number): HourKey => new Date(ms).toISOString().slice(0, 13);
const hourStart = (hour: HourKey): number => Date.parse(`${hour}:00:00.000Z`);

/** The metric-days' hour partials one watch run reads, each once. */
class PartialsCache {
  private readonly days = new Map<string, Promise<HourPartial[]>>();

  constructor(
    private readonly store: Pick<RollupStore, 'partialsOf'>,
    private readonly timezone: string,
  ) {}

  private partials(metric: string, day: string): Promise<HourPartial[]> {
    const key = `${metric}\u0001${day}`;
    let found = this.days.get(key);
    if (!found) this.days.set(key, (found = this.store.partialsOf({ metric, day })));
    return found;
  }

  /** Mean events an hour over the check's baseline days before the hour's day; undefined without any. */
  async meanEventsPerHour(check: TrendCheck, hour: HourKey): Promise<number | undefined> {
    const day = localDay(new Date(hourStart(hour)), this.timezone);
    const days = await Promise.all(baselineDays(day, check.baselinePoints).map((earlier) => this.partials(check.metric, earlier)));
    const withData = days.filter((partials) => partials.length > 0);
    if (withData.length === 0) return undefined;
    const events = withData.reduce((total, partials) => total + partials.reduce((sum, partial) => sum + [...partial.groups.values()].reduce((count, group) => count + group.count, 0), 0), 0);
    return events / (withData.length * 24);
  }

  /** The hours and their same hours of the week, read by metric-day. */
  async lookupFor(metric: string, hours: readonly HourKey[], weeks: number): Promise<(metric: string, hour: HourKey) => HourFacts | undefined> {
    const facts = new Map<HourKey, HourFacts>();
    const wanted = new Set<HourKey>();
    for (const hour of hours) {
      wanted.add(hour);
      for (let week = 1; week <= weeks; week += 1) wanted.add(hourKey(hourStart(hour) - week * 7 * 24 * HOUR_MS));
    }
    // Same local hour a week back can be a UTC hour off around DST: read both neighbours' days too.
    const days = new Set<string>();
    for (const hour of wanted) for (const shift of [-HOUR_MS, 0, HOUR_MS]) days.add(localDay(new Date(hourStart(hour) + shift), this.timezone));
    for (const day of days) {
      for (const partial of await this.partials(metric, day)) {
        const cells = cellsOfPartials([partial], this.timezone);
        const totals = [...partial.groups.values()];
        facts.set(partial.hour, { sum: totals.reduce((t, g) => t + g.sum, 0), count: totals.reduce((t, g) => t + g.count, 0), cells });
      }
    }
    return (_metric, hour) => facts.get(hour);
  }
}
