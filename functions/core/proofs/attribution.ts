import { dimsOfKey } from '../rollup/groups';
import { formatHours, formatShare, hoursCarrying } from './attribution-format';

/**
 * Attribution: which kept dimensions and hours explain a metric's change against its baseline.
 * Pure: the proof job hands it the rollup's hour partials of the day and of its baseline days,
 * the hourly watch those of one hour, the benchmark generated ones.
 */

/** One (dims group, local hour) of a metric-day: the rollup's hour partials, regrouped by local hour. */
export interface Cell {
  dimsKey: string;
  /** Local hour of day, 0–23. */
  hour: number;
  value: number;
}

/** A metric-day's cells; a ratio's numerator and denominator cells. */
export interface Breakdown {
  numerator: readonly Cell[];
  /** Only for a ratio. */
  denominator?: readonly Cell[];
}

export interface AttributionInput {
  observed: Breakdown;
  /** The baseline days (or hours) the change is measured against; their mean is the expectation. */
  baseline: readonly Breakdown[];
  /** The kept dimensions, for "in every store". */
  dimensions: readonly string[];
  /** Contributors listed at most (default 3). */
  limit?: number;
}

export interface Contributor {
  /** `channel=app`, `store=la-venice, channel=web` (dimensions in config order). */
  segment: string;
  dims: Record<string, string>;
  observed: number;
  expected: number;
  /** Relative change of the segment itself (−0.96 = −96%); null when it had no baseline. */
  change: number | null;
  /** Its share of the metric's deviation (0.98 = explains 98% of the drop). */
  share: number;
  /** Local hour ranges carrying the segment's deviation (`11:00–20:00`), or `all day`. */
  hours: string[];
  /** `in every store`, or where it is concentrated (`in store=la-venice`); '' when nothing to add. */
  where: string;
  message: string;
}

export interface Attribution {
  direction: 'drop' | 'rise';
  /** The metric's deviation from the expectation (for a ratio: in numerator units at the day's denominator). */
  deviation: number;
  contributors: Contributor[];
}

/** A segment more specific than the best one is preferred when it explains nearly as much. */
const SPECIFICITY_MARGIN = 0.1;
/** Contributors explaining less than this share are not listed. */
const MIN_SHARE = 0.1;
/** An hour is listed when it carries this share of the segment's largest hourly deviation. */
const HOUR_SHARE = 0.4;
/** "in store=a, store=b": the values that together carry this share of the segment's deviation. */
const WHERE_COVERAGE = 0.8;

interface GroupFacts {
  dims: Record<string, string>;
  /** Additive deviation of the group (sums to the metric's deviation over every group). */
  deviation: number;
  observedN: number;
  observedD: number;
  expectedN: number;
  expectedD: number;
  /** Deviation by local hour. */
  byHour: Map<number, number>;
}

/**
 * Splits the metric's deviation over its dims groups additively, ranks segments (one dimension's
 * value, a pair of values, a whole group) by the share they explain, and prefers the most specific
 * segment that explains nearly as much as the best (a bulk order is `store=la-venice, channel=web`;
 * an outage of every store's app is `channel=app`). For a ratio N/D with expectation r = ΣN/ΣD of
 * the baseline, a group's deviation is (N − r·D) observed minus (N − r·D) expected scaled by the
 * day's denominator: the parts sum to D·(R − r). Undefined when there is no deviation to explain.
 */
export function attributeChange(input: AttributionInput): Attribution | undefined {
  const groups = groupFacts(input);
  const deviation = [...groups.values()].reduce((total, group) => total + group.deviation, 0);
  if (!Number.isFinite(deviation) || deviation === 0) return undefined;
  const direction = deviation < 0 ? 'drop' : 'rise';
  const segments = candidateSegments(groups, input.dimensions);
  const contributors: Contributor[] = [];
  const picked: Array<Record<string, string>> = [];
  const limit = input.limit ?? 3;
  while (contributors.length < limit) {
    const open = segments.filter((segment) => picked.every((other) => disjoint(segment.dims, other)));
    const best = pickSegment(open, deviation);
    if (!best || best.deviation / deviation < MIN_SHARE) break;
    picked.push(best.dims);
    contributors.push(describe(best, deviation, groups, input.dimensions));
  }
  return { direction, deviation, contributors };
}

interface Segment {
  dims: Record<string, string>;
  keys: string[];
  deviation: number;
}

function groupFacts(input: AttributionInput): Map<string, GroupFacts> {
  const ratio = input.observed.denominator !== undefined;
  const days = Math.max(1, input.baseline.length);
  const groups = new Map<string, GroupFacts>();
  const group = (dimsKey: string): GroupFacts => {
    let facts = groups.get(dimsKey);
    if (!facts) {
      facts = { dims: dimsOfKey(dimsKey), deviation: 0, observedN: 0, observedD: 0, expectedN: 0, expectedD: 0, byHour: new Map() };
      groups.set(dimsKey, facts);
    }
    return facts;
  };
  const hourly = new Map<string, Map<number, { n: number; d: number; en: number; ed: number }>>();
  const at = (dimsKey: string, hour: number) => {
    let hours = hourly.get(dimsKey);
    if (!hours) hourly.set(dimsKey, (hours = new Map<number, { n: number; d: number; en: number; ed: number }>()));
    let cell = hours.get(hour);
    if (!cell) hours.set(hour, (cell = { n: 0, d: 0, en: 0, ed: 0 }));
    return cell;
  };
  for (const cell of input.observed.numerator) {
    group(cell.dimsKey).observedN += cell.value;
    at(cell.dimsKey, cell.hour).n += cell.value;
  }
  for (const cell of input.observed.denominator ?? []) {
    group(cell.dimsKey).observedD += cell.value;
    at(cell.dimsKey, cell.hour).d += cell.value;
  }
  for (const day of input.baseline) {
    for (const cell of day.numerator) {
      group(cell.dimsKey).expectedN += cell.value / days;
      at(cell.dimsKey, cell.hour).en += cell.value / days;
    }
    for (const cell of day.denominator ?? []) {
      group(cell.dimsKey).expectedD += cell.value / days;
      at(cell.dimsKey, cell.hour).ed += cell.value / days;
    }
  }
  const all = [...groups.values()];
  const totalED = all.reduce((total, facts) => total + facts.expectedD, 0);
  const totalOD = all.reduce((total, facts) => total + facts.observedD, 0);
  const rate = ratio && totalED > 0 ? all.reduce((total, facts) => total + facts.expectedN, 0) / totalED : 0;
  const scale = ratio && totalED > 0 ? totalOD / totalED : 1;
  const part = (n: number, d: number, en: number, ed: number) => (ratio ? n - rate * d - (en - rate * ed) * scale : n - en);
  for (const [dimsKey, facts] of groups) {
    facts.deviation = part(facts.observedN, facts.observedD, facts.expectedN, facts.expectedD);
    for (const [hour, cell] of hourly.get(dimsKey) ?? []) facts.byHour.set(hour, part(cell.n, cell.d, cell.en, cell.ed));
  }
  return groups;
}

/** Every value of one dimension, every pair of values, every whole group. */
function candidateSegments(groups: ReadonlyMap<string, GroupFacts>, dimensions: readonly string[]): Segment[] {
  const segments = new Map<string, Segment>();
  for (const [dimsKey, facts] of groups) {
    const names = dimensions.filter((name) => Object.hasOwn(facts.dims, name));
    const extra = Object.keys(facts.dims).filter((name) => !dimensions.includes(name));
    const all = [...names, ...extra];
    const subsets: string[][] = [...all.map((name) => [name]), ...pairs(all), all];
    for (const subset of subsets) {
      const dims = Object.fromEntries(subset.map((name) => [name, facts.dims[name] ?? '']));
      const id = subset.map((name) => `${name}=${dims[name]}`).join('\u0001');
      let segment = segments.get(id);
      if (!segment) segments.set(id, (segment = { dims, keys: [], deviation: 0 }));
      if (!segment.keys.includes(dimsKey)) {
        segment.keys.push(dimsKey);
        segment.deviation += facts.deviation;
      }
    }
  }
  return [...segments.values()];
}

function pairs(names: readonly string[]): string[][] {
  const out: string[][] = [];
  for (let i = 0; i < names.length; i += 1) for (let j = i + 1; j < names.length; j += 1) out.push([names[i] ?? '', names[j] ?? '']);
  return names.length > 2 ? out : [];
}

/** The largest share; among those within the margin of it, the most specific (then the largest). */
function pickSegment(segments: readonly Segment[], deviation: number): Segment | undefined {
  let best: Segment | undefined;
  for (const segment of segments) if (!best || segment.deviation / deviation > best.deviation / deviation) best = segment;
  if (!best) return undefined;
  const top = best.deviation / deviation;
  const near = segments.filter((segment) => segment.deviation / deviation >= top - SPECIFICITY_MARGIN);
  near.sort((a, b) => Object.keys(b.dims).length - Object.keys(a.dims).length || b.deviation / deviation - a.deviation / deviation || label(a).localeCompare(label(b)));
  return near[0];
}

function disjoint(a: Record<string, string>, b: Record<string, string>): boolean {
  return Object.keys(a).some((name) => Object.hasOwn(b, name) && a[name] !== b[name]);
}

function label(segment: Pick<Segment, 'dims'>): string {
  return Object.entries(segment.dims)
    .map(([name, value]) => `${name}=${value}`)
    .join(', ');
}

function describe(segment: Segment, deviation: number, groups: ReadonlyMap<string, GroupFacts>, dimensions: readonly string[]): Contributor {
  const members = segment.keys.map((key) => groups.get(key)).filter((facts): facts is GroupFacts => facts !== undefined);
  const sum = (pick: (facts: GroupFacts) => number) => members.reduce((total, facts) => total + pick(facts), 0);
  const ratio = members.some((facts) => facts.observedD !== 0 || facts.expectedD !== 0);
  const observed = ratio ? safeDivide(sum((f) => f.observedN), sum((f) => f.observedD)) : sum((f) => f.observedN);
  const expected = ratio ? safeDivide(sum((f) => f.expectedN), sum((f) => f.expectedD)) : sum((f) => f.expectedN);
  const change = expected !== 0 ? (observed - expected) / Math.abs(expected) : null;
  const share = segment.deviation / deviation;
  const byHour = new Map<number, number>();
  for (const facts of members) for (const [hour, value] of facts.byHour) byHour.set(hour, (byHour.get(hour) ?? 0) + value);
  const hours = formatHours(hoursCarrying(byHour, Math.sign(deviation), HOUR_SHARE));
  const where = whereWithin(segment, members, dimensions, ratio);
  const name = label(segment);
  const changeText = change === null ? `${Math.round(observed * 1e6) / 1e6} (no baseline)` : formatShare(change, true);
  const message = `${name}: ${changeText}${where ? ` ${where}` : ''}${hours.length > 0 ? `, ${hours.join(', ')}` : ''}; ${explainsText(share, deviation)}`;
  return { segment: name, dims: segment.dims, observed, expected, change, share, hours, where, message };
}

/**
 * `explains 98% of the drop`. A share past 100% is right (the rest of the metric moved the other
 * way) but reads like a bug without its reason, so the reason comes with it.
 */
export function explainsText(share: number, deviation: number): string {
  const [movement, opposite] = deviation < 0 ? ['drop', 'rose'] : ['rise', 'fell'];
  const text = `explains ${formatShare(share, false)} of the ${movement}`;
  return Math.round(share * 100) > 100 ? `${text} (the rest ${opposite})` : text;
}

/**
 * Where, within the segment, the change happened along each other dimension: `in every store`
 * when each value moved the same way by at least half the segment's change, else the values that
 * carry most of its deviation.
 */
function whereWithin(segment: Segment, members: readonly GroupFacts[], dimensions: readonly string[], ratio: boolean): string {
  const others = dimensions.filter((name) => !Object.hasOwn(segment.dims, name) && members.some((facts) => Object.hasOwn(facts.dims, name)));
  const phrases: string[] = [];
  for (const name of others) {
    const byValue = new Map<string, GroupFacts[]>();
    for (const facts of members) {
      const value = facts.dims[name];
      if (value === undefined) continue;
      byValue.set(value, [...(byValue.get(value) ?? []), facts]);
    }
    if (byValue.size < 2) continue;
    const total = segment.deviation;
    const parts = [...byValue.entries()].map(([value, facts]) => {
      const n = facts.reduce((t, f) => t + f.observedN, 0);
      const d = facts.reduce((t, f) => t + f.observedD, 0);
      const en = facts.reduce((t, f) => t + f.expectedN, 0);
      const ed = facts.reduce((t, f) => t + f.expectedD, 0);
      const observed = ratio ? safeDivide(n, d) : n;
      const expected = ratio ? safeDivide(en, ed) : en;
      return { value, change: expected !== 0 ? (observed - expected) / Math.abs(expected) : 0, deviation: facts.reduce((t, f) => t + f.deviation, 0) };
    });
    const overall = average(parts.map((p) => p.change));
    const everywhere = overall !== 0 && parts.every((p) => Math.sign(p.change) === Math.sign(overall) && Math.abs(p.change) >= Math.abs(overall) / 2);
    if (everywhere) {
      phrases.push(`in every ${name}`);
      continue;
    }
    parts.sort((a, b) => b.deviation / total - a.deviation / total);
    const carrying: string[] = [];
    let covered = 0;
    for (const part of parts) {
      if (covered >= WHERE_COVERAGE) break;
      carrying.push(`${name}=${part.value}`);
      covered += part.deviation / total;
    }
    if (carrying.length < byValue.size) phrases.push(`in ${carrying.join(', ')}`);
  }
  return phrases.join(', ');
}

function safeDivide(n: number, d: number): number {
  return d !== 0 ? n / d : 0;
}

function average(values: readonly number[]): number {
  return values.length === 0 ? 0 : values.reduce((total, value) => total + value, 0) / values.length;
}
