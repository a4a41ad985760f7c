import { DateTime } from 'luxon';
import { cronMatches } from './calendar';
import { clockFor } from './fire-times';
import { toScheduleExpression } from './parse';
import type { AtSchedule, CronSchedule, FireTimeOptions, ScheduleExpression, ScheduleWarning } from './types';
import type { ZoneClock } from './zone';

const MINUTE_MS = 60_000;

export interface ScheduleWarningOptions extends FireTimeOptions {
  from: Date;
  /** Window length in years from `from`; default 2. */
  years?: number;
}

interface Finding {
  code: ScheduleWarning['code'];
  date: string;
  /** 'HH:mm' wall times affected that day, ascending. */
  slots: string[];
  /** The cron has no other slot that day, so the day loses its only fire. */
  wholeDay: boolean;
  /** Offset of the occurrence that fires, for overlaps ('-07:00'). */
  offset: string;
}

function joinList(items: readonly string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

function describeSlots(slots: readonly string[]): string {
  if (slots.length <= 6) return joinList(slots);
  return `${slots[0]}, ${slots[1]}, …, ${slots[slots.length - 1]} (${slots.length} times)`;
}

/** A wall time read as if it were UTC, e.g. `tr.at + offset`, decoded to calendar parts. */
function wallParts(wall: number) {
  const d = new Date(wall);
  return {
    year: d.getUTCFullYear(),
    month: d.getUTCMonth() + 1,
    day: d.getUTCDate(),
    hour: d.getUTCHours(),
    minute: d.getUTCMinutes(),
    date: d.toISOString().slice(0, 10),
    time: d.toISOString().slice(11, 16),
  };
}

/**
 * Cron slots that land in a gap or an overlap. Instead of walking every slot of the window we
 * find the zone's offset changes and only inspect the wall-clock minutes each one skips or
 * repeats (an hour or so per change).
 */
function cronFindings(cron: CronSchedule, clock: ZoneClock, fromMs: number, toMs: number): Finding[] {
  const findings = new Map<string, Finding>();
  for (const tr of clock.transitions(fromMs, toMs)) {
    const wallBefore = tr.at + tr.offsetBefore * MINUTE_MS;
    const wallAfter = tr.at + tr.offsetAfter * MINUTE_MS;
    const code = wallAfter > wallBefore ? 'dst_gap' : 'dst_overlap';
    const [lo, hi] = code === 'dst_gap' ? [wallBefore, wallAfter] : [wallAfter, wallBefore];
    for (let wall = Math.ceil(lo / MINUTE_MS) * MINUTE_MS; wall < hi; wall += MINUTE_MS) {
      const p = wallParts(wall);
      if (!cronMatches(cron, p.year, p.month, p.day, p.hour, p.minute)) continue;
      const key = `${code} ${p.date}`;
      let finding = findings.get(key);
      if (!finding) {
        const first = clock.occurrences(p.year, p.month, p.day, p.hour, p.minute)[0];
        finding = {
          code,
          date: p.date,
          slots: [],
          wholeDay: false,
          offset: first === undefined ? '' : clock.format(first, 'ZZ'),
        };
        findings.set(key, finding);
      }
      finding.slots.push(p.time);
    }
  }
  for (const finding of findings.values()) {
    finding.wholeDay = finding.slots.length === cron.hours.length * cron.minutes.length;
  }
  return [...findings.values()];
}

function atFindings(at: AtSchedule, clock: ZoneClock): Finding[] {
  const { year, month, day, hour, minute, second } = at.parts;
  const occurrences = clock.occurrences(year, month, day, hour, minute, second);
  if (occurrences.length === 1) return [];
  const [date = '', time = ''] = at.local.split('T');
  const first = occurrences[0];
  return [
    {
      code: occurrences.length === 0 ? 'dst_gap' : 'dst_overlap',
      date,
      slots: [time],
      wholeDay: true,
      offset: first === undefined ? '' : clock.format(first, 'ZZ'),
    },
  ];
}

/** Merges findings that differ only by date, so a yearly pattern is one warning with many dates. */
function toWarnings(expression: ScheduleExpression, timezone: string, findings: Finding[]): ScheduleWarning[] {
  const groups = new Map<string, Finding[]>();
  for (const f of findings.sort((a, b) => a.date.localeCompare(b.date))) {
    const key = JSON.stringify([f.code, f.slots, f.wholeDay, f.offset]);
    groups.set(key, [...(groups.get(key) ?? []), f]);
  }
  const subject = `${expression.text} in ${timezone}`;
  const warnings: ScheduleWarning[] = [];
  for (const group of groups.values()) {
    const [f] = group;
    if (!f) continue;
    const dates = group.map((g) => g.date);
    const on = joinList(dates);
    const day = dates.length === 1 ? 'that day' : 'on those days';
    const times = describeSlots(f.slots);
    const plural = f.slots.length > 1;
    if (expression.kind === 'at') {
      warnings.push(
        f.code === 'dst_gap'
          ? { code: f.code, dates, message: `${subject} never fires: ${f.date} ${times} does not exist (clocks spring forward)` }
          : { code: f.code, dates, message: `${subject} fires once: ${f.date} ${times} happens twice (clocks fall back) and only the first occurrence (${f.offset}) fires` },
      );
    } else if (f.code === 'dst_gap') {
      const lead = f.wholeDay ? `does not fire on ${on}` : `skips ${f.slots.length} slot${plural ? 's' : ''} on ${on}`;
      warnings.push({ code: f.code, dates, message: `${subject} ${lead}: ${times} ${plural ? 'do' : 'does'} not exist ${day} (clocks spring forward)` });
    } else {
      const lead = plural ? `fires ${f.slots.length} slots only once each on ${on}` : `fires only once on ${on}`;
      const each = plural ? 'only the first occurrence of each' : 'only the first occurrence';
      warnings.push({
        code: f.code,
        dates,
        message: `${subject} ${lead}: ${times} ${plural ? 'happen' : 'happens'} twice ${day} (clocks fall back) and ${each} (${f.offset}) fires`,
      });
    }
  }
  return warnings.sort((a, b) => (a.dates[0] ?? '').localeCompare(b.dates[0] ?? '') || a.code.localeCompare(b.code));
}

/**
 * DST findings for a schedule in its zone over [from, from + years]: `dst_gap` for slots that do
 * not exist and therefore never fire, `dst_overlap` (informational) for slots in a repeated hour,
 * which fire once. rate() is zone-independent and never warns; an at() is checked for its one
 * wall time regardless of the window.
 */
export function scheduleWarnings(expression: string | ScheduleExpression, options: ScheduleWarningOptions): ScheduleWarning[] {
  const parsed = toScheduleExpression(expression);
  const clock = clockFor(options.timezone);
  switch (parsed.kind) {
    case 'rate':
      return [];
    case 'at':
      return toWarnings(parsed, options.timezone, atFindings(parsed, clock));
    case 'cron': {
      const fromMs = options.from.getTime();
      if (Number.isNaN(fromMs)) throw new RangeError(`options.from must be a valid Date, got ${String(options.from)}`);
      const toMs = DateTime.fromMillis(fromMs, { zone: clock.zone }).plus({ years: options.years ?? 2 }).toMillis();
      return toWarnings(parsed, options.timezone, cronFindings(parsed, clock, fromMs, toMs));
    }
  }
}
