import { DateTime } from 'luxon';
import type { CheckConfig, NightshiftConfig } from '../config';
import type { HourKey } from '../rollup/ports';
import { attributeChange, type Attribution, type Cell } from './attribution';
import { formatShare } from './attribution-format';
import { isRatio } from './daily-value';
import { checkTrend, medianOf } from './trend-check';
import type { CheckVerdict } from './types';

/**
 * The hourly watch: each closed hour of a watched metric against the same hour of the week over
 * the last `baselinePoints` weeks, with the trend check's own rule (σ floor, minChange,
 * criticalChange, 0 where the baseline is positive). An incident opens on the first hour that
 * warns or is critical and alerts once; it alerts again only if it escalates to critical, and
 * closes on the first hour that passes.
 */

export type TrendCheck = Extract<CheckConfig, { kind: 'trend' }>;

/** What the rollup kept of one metric in one UTC hour (every dims group). */
export interface HourFacts {
  sum: number;
  count: number;
  /** Cells of the hour by dims group (one local hour). */
  cells: readonly Cell[];
}

/** A metric's hour; undefined when the rollup holds no partial for it (no events). */
export type HourLookup = (metric: string, hour: HourKey) => HourFacts | undefined;

/** Hours whose baseline has fewer events than this (median) are too sparse to judge alone. */
const MIN_HOUR_COUNT = 5;

export interface WatchDecision {
  watched: boolean;
  /** Why (shown in the proof): `off in the config`, `too sparse: ~3 events an hour (fewer than 20)`, … */
  reason: string;
}

/**
 * Whether the watch judges this trend check's metric: `hourly: false` never, a ratio never (its
 * parts are metrics), `auto` when its baseline days averaged `hourlyMinCount` events an hour.
 */
export function watchDecision(check: TrendCheck, config: NightshiftConfig, meanEventsPerHour: number | undefined): WatchDecision {
  if (check.hourly === false) return { watched: false, reason: 'off in the config (hourly: false)' };
  if (isRatio(config, check.metric)) return { watched: false, reason: 'a ratio: the hourly watch judges metrics (its numerator and denominator)' };
  if (check.hourly === true) return { watched: true, reason: 'on in the config (hourly: true)' };
  if (meanEventsPerHour === undefined) return { watched: false, reason: 'no baseline days yet to tell how busy its hours are' };
  const shown = Math.round(meanEventsPerHour * 10) / 10;
  if (meanEventsPerHour < check.hourlyMinCount) {
    return { watched: false, reason: `too sparse for hourly baselines: ${shown} events an hour on average, fewer than hourlyMinCount ${check.hourlyMinCount}` };
  }
  return { watched: true, reason: `${shown} events an hour on average (hourlyMinCount ${check.hourlyMinCount})` };
}

/** The same local hour of the week `weeks` times back, newest first, as UTC hour keys. */
export function sameHourOfWeek(hour: HourKey, weeks: number, timezone: string): HourKey[] {
  const start = DateTime.fromISO(`${hour}:00:00`, { zone: 'utc' }).setZone(timezone);
  return Array.from({ length: weeks }, (_, index) => start.minus({ weeks: index + 1 }).toUTC().toISO()?.slice(0, 13) ?? hour);
}

export interface HourJudgement extends Omit<CheckVerdict, 'baseline'> {
  hour: HourKey;
  /** The hour's local start, ISO with offset. */
  localStart: string;
  /** Relative change against the baseline mean; null when not scored. */
  change: number | null;
  attribution?: Attribution;
}

/** Judges one closed hour of the check's metric (skipped when its hour of the week is too sparse). */
export function judgeHour(check: TrendCheck, hour: HourKey, lookup: HourLookup, timezone: string, dimensions: readonly string[]): HourJudgement {
  const localStart = DateTime.fromISO(`${hour}:00:00`, { zone: 'utc' }).setZone(timezone).toISO() ?? hour;
  const observed = lookup(check.metric, hour);
  const earlier = sameHourOfWeek(hour, check.baselinePoints, timezone).map((key) => ({ key, facts: lookup(check.metric, key) }));
  const counts = earlier.flatMap(({ facts }) => (facts ? [facts.count] : []));
  if (counts.length > 0 && medianOf(counts) < MIN_HOUR_COUNT) {
    return { hour, localStart, status: 'skipped', reason: 'sparse_hour', message: `a median of ${medianOf(counts)} events in this hour of the week: too few to judge`, observed: observed?.sum ?? 0, expected: null, score: null, change: null };
  }
  const candidates = earlier.map(({ key, facts }) => ({
    day: key,
    value: { defined: true as const, value: facts?.sum ?? 0, hasData: facts !== undefined },
    earlierCritical: false,
  }));
  const verdict = checkTrend(check, { defined: true, value: observed?.sum ?? 0, hasData: observed !== undefined }, candidates, false);
  const mean = verdict.baseline?.mean ?? null;
  const change = mean !== null && mean !== 0 && verdict.observed !== null ? (verdict.observed - mean) / Math.abs(mean) : null;
  const { baseline, ...rest } = verdict;
  const judgement: HourJudgement = { ...rest, hour, localStart, change, message: verdict.message.replace('same-weekday mean', 'same-hour mean') };
  if (verdict.status === 'warn' || verdict.status === 'critical') {
    const usedKeys = new Set(baseline?.used.map((point) => point.day));
    const attribution = attributeChange({
      observed: { numerator: observed?.cells ?? [] },
      baseline: earlier.filter(({ key }) => usedKeys.has(key)).map(({ facts }) => ({ numerator: facts?.cells ?? [] })),
      dimensions,
    });
    if (attribution) judgement.attribution = attribution;
  }
  return judgement;
}

export interface OpenIncident {
  /** The first hour judged anomalous: the incident's id within its check. */
  firstHour: HourKey;
  lastHour: HourKey;
  localStart: string;
  /** The worst verdict so far, and the one last alerted. */
  severity: 'warn' | 'critical';
  alerted: 'warn' | 'critical';
  hours: number;
  /** The first hour's message and explanation. */
  message: string;
  explanation: string[];
}

/** What the watch keeps per check between rollups: how far it has judged, and the open incident. */
export interface WatchState {
  checkId: string;
  metric: string;
  judgedThrough?: HourKey;
  incident?: OpenIncident;
  /** Bumped by every write; a write names the version it read (conditional). */
  version: number;
}

export interface WatchEvent {
  type: 'opened' | 'escalated' | 'closed';
  incident: OpenIncident;
  judgement: HourJudgement;
}

/**
 * Moves the check's state through its judged hours, in order: an anomalous hour opens an incident
 * (an alert) or extends the open one (no alert, unless warn escalates to critical); a passing
 * hour closes it. Skipped hours change nothing. Pure.
 */
export function advanceWatch(state: WatchState, judgements: readonly HourJudgement[]): { state: WatchState; events: WatchEvent[] } {
  let incident = state.incident;
  let judgedThrough = state.judgedThrough;
  const events: WatchEvent[] = [];
  for (const judgement of judgements) {
    judgedThrough = judgement.hour;
    if (judgement.status === 'warn' || judgement.status === 'critical') {
      if (!incident) {
        incident = {
          firstHour: judgement.hour,
          lastHour: judgement.hour,
          localStart: judgement.localStart,
          severity: judgement.status,
          alerted: judgement.status,
          hours: 1,
          message: judgement.message,
          explanation: judgement.attribution?.contributors.map((contributor) => contributor.message) ?? [],
        };
        events.push({ type: 'opened', incident, judgement });
        continue;
      }
      const escalates = judgement.status === 'critical' && incident.alerted === 'warn';
      incident = { ...incident, lastHour: judgement.hour, hours: incident.hours + 1, severity: escalates ? 'critical' : incident.severity, alerted: escalates ? 'critical' : incident.alerted };
      if (escalates) events.push({ type: 'escalated', incident, judgement });
    } else if (judgement.status === 'pass' && incident) {
      events.push({ type: 'closed', incident, judgement });
      incident = undefined;
    }
  }
  const next: WatchState = { checkId: state.checkId, metric: state.metric, version: state.version + 1 };
  if (judgedThrough !== undefined) next.judgedThrough = judgedThrough;
  if (incident) next.incident = incident;
  return { state: next, events };
}

/** An alert's subject for an opened or escalated incident. */
export function incidentSubject(metric: string, event: WatchEvent): string {
  const { judgement } = event;
  const change = judgement.change === null ? '' : ` ${formatShare(judgement.change, true)}`;
  const verb = event.type === 'escalated' ? 'now critical' : judgement.observed === 0 ? 'missing' : judgement.change !== null && judgement.change < 0 ? 'collapsed' : 'jumped';
  return `Hourly watch: ${metric} ${verb} at ${judgement.localStart.slice(11, 16)} on ${judgement.localStart.slice(0, 10)}${change} (${judgement.status})`;
}
