import { DateTime } from 'luxon';
import { OTHER_DIMS, OTHER_DIMS_KEY, addTotals, dimsOfKey, mergeGroup, sameTotals, splitGroupKey, type GroupTotals } from '../../core/rollup/groups';
import { metricDayKey, type DailyStat, type DayMeta, type HourKey, type HourPartial, type HourSummary, type MetricDay, type RollupStore } from '../../core/rollup/ports';
import { parsePeriodKey } from '../../core/time/periods';
import { hourStartMs } from './hours';

/**
 * The recomputations after absorbing: each is a pure function of what is stored, written as
 * overwrites, so repeating one (after a crash, or twice) gives the same items.
 */

export interface HourRecomputation {
  summary: HourSummary;
  /** Metric-days whose stats must follow: the hour's partials now and before. */
  touched: MetricDay[];
  /** The object versions counted (`versionId`): the pending marks this recomputation may clear. */
  counted: Set<string>;
}

/** An object version as pending marks and contributions both name it. */
export const versionId = (key: string, etag: string): string => `${key}\n${etag}`;

/**
 * Sums the hour's contributions (in key order) into one partial per metric-day and writes them;
 * `previous` is the hour's last summary, whose partials that no longer exist are deleted.
 */
export async function recomputeHour(store: RollupStore, hour: HourKey, previous: HourSummary | undefined, now: Date): Promise<HourRecomputation> {
  const partials = new Map<string, HourPartial>();
  const counted = new Set<string>();
  const summary: HourSummary = { hour, partials: [], objects: 0, events: 0, malformed: 0, unknownMetric: 0, updatedAt: now.toISOString() };
  for await (const contribution of store.contributions(hour)) {
    counted.add(versionId(contribution.key, contribution.etag));
    summary.objects += 1;
    summary.events += contribution.events;
    summary.malformed += contribution.malformed;
    summary.unknownMetric += contribution.unknownMetric;
    for (const [key, totals] of contribution.groups) {
      const { day, metric, dimsKey } = splitGroupKey(key);
      const id = metricDayKey({ metric, day });
      let partial = partials.get(id);
      if (!partial) {
        partial = { metric, day, hour, groups: new Map(), events: 0, updatedAt: summary.updatedAt };
        partials.set(id, partial);
      }
      mergeGroup(partial.groups, dimsKey, totals);
      partial.events += totals.count;
    }
  }
  summary.partials = [...partials.values()].map(({ metric, day }) => ({ metric, day })).sort(compareMetricDays);
  await store.putPartials([...partials.values()]);
  const gone = (previous?.partials ?? []).filter((metricDay) => !partials.has(metricDayKey(metricDay)));
  if (gone.length > 0) await store.deletePartials(gone.map((metricDay) => ({ hour, metricDay })));
  return { summary, touched: [...summary.partials, ...gone], counted };
}

export interface DayRecomputation {
  written: number;
  deleted: number;
  /** Set when the metric-day had more dims groups than the cap. */
  overflow?: { metric: string; day: string; distinctGroups: number; kept: number };
}

/**
 * The metric-day's stats from its hour partials (in hour order), capped, compared with what is
 * stored: only changed items are written, vanished ones deleted, so a repeat writes nothing.
 */
export async function recomputeDay(store: RollupStore, metricDay: MetricDay, options: { timezone: string; maxGroups: number; now: Date }): Promise<DayRecomputation> {
  const partials = await store.partialsOf(metricDay);
  const totals = new Map<string, GroupTotals>();
  let events = 0;
  for (const partial of partials) {
    events += partial.events;
    for (const [dimsKey, group] of partial.groups) mergeGroup(totals, dimsKey, group);
  }
  const capped = capGroups(totals, options.maxGroups);
  const updatedAt = options.now.toISOString();
  const wanted: DailyStat[] = capped.kept.map(([dimsKey, group]) => ({ ...metricDay, dimsKey, dims: dimsOfKey(dimsKey), ...group, updatedAt }));
  if (capped.other) wanted.push({ ...metricDay, dimsKey: OTHER_DIMS_KEY, dims: { ...OTHER_DIMS }, ...capped.other.totals, mergedGroups: capped.other.merged, updatedAt });

  const stored = await store.dailyStats(metricDay);
  const storedByKey = new Map(stored.items.map((item) => [item.dimsKey, item]));
  const put = wanted.filter((item) => {
    const existing = storedByKey.get(item.dimsKey);
    return !existing || !sameTotals(existing, item) || existing.mergedGroups !== item.mergedGroups;
  });
  const wantedKeys = new Set(wanted.map((item) => item.dimsKey));
  const remove = stored.items.filter((item) => !wantedKeys.has(item.dimsKey)).map((item) => item.dimsKey);
  const meta: DayMeta | undefined =
    partials.length === 0
      ? undefined
      : {
          ...metricDay,
          updatedAt,
          hoursWithData: partials.map((partial) => localHourLabel(partial.hour, options.timezone)),
          hoursInDay: parsePeriodKey(metricDay.day, { timezone: options.timezone, weekStartsOn: 'monday' }).hours,
          groups: wanted.length,
          distinctGroups: totals.size,
          events,
          sum: [...totals.values()].reduce((total, group) => total + group.sum, 0),
        };
  if (put.length > 0 || remove.length > 0 || metaChanged(stored.meta, meta)) {
    await store.writeDailyStats(metricDay, { put, delete: remove, meta });
  }
  return {
    written: put.length,
    deleted: remove.length,
    ...(capped.other ? { overflow: { ...metricDay, distinctGroups: totals.size, kept: capped.kept.length } } : {}),
  };
}

export interface CappedGroups {
  kept: Array<[string, GroupTotals]>;
  other?: { totals: GroupTotals; merged: number };
}

/**
 * At most `maxGroups` groups: past it, the largest `maxGroups − 1` by count (ties by dims key,
 * so the choice is the same on every run) keep their dims and the rest merge into `__other__`.
 */
export function capGroups(groups: ReadonlyMap<string, GroupTotals>, maxGroups: number): CappedGroups {
  const entries = [...groups.entries()].sort(([keyA, a], [keyB, b]) => b.count - a.count || (keyA < keyB ? -1 : keyA > keyB ? 1 : 0));
  if (entries.length <= maxGroups) return { kept: entries };
  const keep = Math.max(0, maxGroups - 1);
  const rest = entries.slice(keep);
  const [, first] = rest[0] ?? ['', { count: 0, sum: 0, min: 0, max: 0 }];
  const totals = { ...first };
  for (const [, group] of rest.slice(1)) addTotals(totals, group);
  return { kept: entries.slice(0, keep), other: { totals, merged: rest.length } };
}

/** `2026-11-01T01:00-07:00`: the local start of a UTC hour, offset included (fall-back hours repeat). */
function localHourLabel(hour: HourKey, timezone: string): string {
  return DateTime.fromMillis(hourStartMs(hour), { zone: timezone }).toFormat("yyyy-MM-dd'T'HH:mmZZ");
}

function metaChanged(before: DayMeta | undefined, after: DayMeta | undefined): boolean {
  if (!before || !after) return before !== after;
  return (
    before.hoursInDay !== after.hoursInDay ||
    before.groups !== after.groups ||
    before.distinctGroups !== after.distinctGroups ||
    before.events !== after.events ||
    before.sum !== after.sum ||
    before.hoursWithData.join() !== after.hoursWithData.join()
  );
}

export function compareMetricDays(a: MetricDay, b: MetricDay): number {
  return a.day < b.day ? -1 : a.day > b.day ? 1 : a.metric < b.metric ? -1 : a.metric > b.metric ? 1 : 0;
}
