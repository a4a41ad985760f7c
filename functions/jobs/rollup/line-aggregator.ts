import { checkEvent, EVENT_LIMITS } from '../../core/events/metric-event';
import { dimsKeyOf, groupKey, mergeGroup, type GroupTotals } from '../../core/rollup/groups';
import { LocalDayCache } from './local-day-cache';
import { BytesMemo } from './bytes-memo';
import { ANY_METRIC, NO_FUTURE_LIMIT, RunJudgements } from './run-judgements';

/** What an object's events are aggregated by: the zone of local days, the declared metrics, the kept dims. */
export interface AggregateOptions {
  timezone: string;
  metrics: ReadonlySet<string>;
  keptDimensions: readonly string[];
  /** Shared by the objects of one run (same zone and kept dims); without it each aggregator learns alone. */
  judgements?: RunJudgements;
}

export type LineOutcome = 'event' | 'malformed' | 'unknown_metric';


/** A canonical kept-dims group; `slots[day * metrics + metric]` is its accumulator, or -1. */
interface DimsInfo {
  dimsKey: string;
  slots: number[];
}

const ascii = (text: string): Uint8Array => Uint8Array.from(text, (c) => c.charCodeAt(0));
const PREFIX = ascii('{"metric":"');
const TS_FIELD = ascii('","ts":"');
const VALUE_FIELD = ascii(',"value":');
const DIMS_FIELD = ascii(',"dims":{');
const POW10 = Array.from({ length: 16 }, (_, i) => 10 ** i);
/** Raw dims bytes remembered before the cache starts over (bounds memory on wild data). */
const MAX_RAW_DIMS_BYTES = 4_000_000;

const QUOTE = 34;
const COLON = 58;
const CLOSE = 125;
const MINUS = 45;
const PLUS = 43;
const DOT = 46;
const DIGIT_0 = 48;

/** A digit's value; anything else is so negative that every field built from it fails its range check. */
const digit = (c: number | undefined): number => {
  const d = (c ?? 0) - DIGIT_0;
  return d >= 0 && d <= 9 ? d : -1e6;
};

function matchesAt(buf: Uint8Array, pos: number, end: number, pattern: Uint8Array): boolean {
  if (pos + pattern.length > end) return false;
  for (let i = 0; i < pattern.length; i += 1) if (buf[pos + i] !== pattern[i]) return false;
  return true;
}

/**
 * Folds NDJSON lines into per-group totals. Each line first tries a byte-level parser for the
 * shape ingest writes, `{"metric":"…","ts":"…","value":…,"dims":{…}}` (value and dims optional,
 * compact, in that order); anything it is not certain about goes to JSON.parse + checkEvent.
 * The fast path only ever accepts: every rejection, and every doubt, is the slow path's call,
 * so both give the same answer on every line.
 */
export class LineAggregator {
  lines = 0;
  events = 0;
  malformed = 0;
  unknownMetric = 0;
  /** Lines the fast path settled; for tests and benchmarks. */
  fastLines = 0;

  private readonly metricNames: string[];
  private readonly metricIndex = new Map<string, number>();
  /** Known metrics by `metricKey(hash, length)`; -1 where two names collide (they go the slow way). */
  private readonly metricByHash = new Map<number, number>();
  private readonly metricBytes: Uint8Array[];
  private readonly days: string[] = [];
  private readonly dayIndex = new Map<string, number>();
  private readonly dayCache: LocalDayCache;
  private readonly judgements: RunJudgements;
  private readonly byDimsKey = new Map<string, DimsInfo>();
  /** Each dims text this object showed, by FNV-1a hash of its bytes: its group, or null when checkEvent refuses it. */
  private readonly rawDims = new BytesMemo<DimsInfo | null>(MAX_RAW_DIMS_BYTES);
  private readonly noDims: DimsInfo;
  private acc = new Float64Array(4 * 1024);
  private accUsed = 0;
  private lastYmd = -1;
  private lastDayMs = 0;

  constructor(
    private readonly options: AggregateOptions,
    private readonly fastPath = true,
  ) {
    this.metricNames = [...options.metrics].sort();
    this.metricBytes = this.metricNames.map((name) => Buffer.from(name, 'latin1'));
    this.metricNames.forEach((name, index) => {
      this.metricIndex.set(name, index);
      const bytes = this.metricBytes[index] ?? new Uint8Array();
      const key = metricKey(metricHash(bytes, 0, bytes.length), bytes.length);
      this.metricByHash.set(key, this.metricByHash.has(key) ? -1 : index);
    });
    this.judgements = options.judgements ?? new RunJudgements(options.timezone, options.keptDimensions);
    if (this.judgements.timezone !== options.timezone || this.judgements.keptDimensions.join() !== options.keptDimensions.join()) {
      throw new Error('LineAggregator: the run judgements were made for another zone or other kept dimensions');
    }
    this.dayCache = new LocalDayCache(this.judgements, (day) => this.internDay(day));
    this.noDims = this.internDims('');
  }

  /** One line without its newline; blank lines are not lines. */
  addLine(buf: Buffer, start: number, end: number): LineOutcome | undefined {
    let from = start;
    let to = end;
    while (to > from && isSpace(buf[to - 1])) to -= 1;
    while (from < to && isSpace(buf[from])) from += 1;
    if (from === to) return undefined;
    this.lines += 1;
    if (this.fastPath && this.fast(buf, from, to)) {
      this.fastLines += 1;
      this.events += 1;
      return 'event';
    }
    return this.slow(buf, from, to);
  }

  /** Adds what was aggregated to `groups`, keyed `${day}\u0001${metric}\u0001${dimsKey}`. */
  flushInto(groups: Map<string, GroupTotals>): void {
    const metrics = this.metricNames.length;
    const acc = this.acc;
    for (const info of this.byDimsKey.values()) {
      info.slots.forEach((slot, position) => {
        if (slot < 0) return;
        const day = this.days[Math.floor(position / metrics)] ?? '';
        const metric = this.metricNames[position % metrics] ?? '';
        const o = slot * 4;
        mergeGroup(groups, groupKey(day, metric, info.dimsKey), { count: acc[o] ?? 0, sum: acc[o + 1] ?? 0, min: acc[o + 2] ?? 0, max: acc[o + 3] ?? 0 });
      });
    }
  }

  private slow(buf: Buffer, start: number, end: number): LineOutcome {
    let raw: unknown;
    try {
      raw = JSON.parse(buf.toString('utf8', start, end));
    } catch {
      this.malformed += 1;
      return 'malformed';
    }
    const check = checkEvent(raw, { knownMetrics: ANY_METRIC, nowMs: NO_FUTURE_LIMIT });
    if (!check.ok) {
      this.malformed += 1;
      return 'malformed';
    }
    const metric = this.metricIndex.get(check.event.metric);
    if (metric === undefined) {
      this.unknownMetric += 1;
      return 'unknown_metric';
    }
    const info = this.internDims(dimsKeyOf(check.event.dims, this.options.keptDimensions));
    this.add(info, metric, this.dayCache.dayIndexOf(check.event.tsMs), check.event.value);
    this.events += 1;
    return 'event';
  }

  /** Counts the line and returns true, or returns false having changed nothing. */
  private fast(buf: Buffer, start: number, end: number): boolean {
    if (!matchesAt(buf, start, end, PREFIX)) return false;
    // metric: lower snake_case, at most 63 characters
    let p = start + PREFIX.length;
    const metricStart = p;
    let hash = 0;
    for (;;) {
      const c = buf[p] ?? 0;
      if ((c >= 97 && c <= 122) || (p > metricStart && ((c >= 48 && c <= 57) || c === 95))) {
        hash = (Math.imul(hash, 31) + c) | 0;
        p += 1;
      } else break;
    }
    const metricLength = p - metricStart;
    if (metricLength === 0 || metricLength > 63) return false;
    const metric = this.metricByHash.get(metricKey(hash, metricLength));
    if (metric === undefined || metric < 0) return false;
    const known = this.metricBytes[metric] ?? new Uint8Array();
    for (let i = 0; i < metricLength; i += 1) if (buf[metricStart + i] !== known[i]) return false;
    if (!matchesAt(buf, p, end, TS_FIELD)) return false;
    p += TS_FIELD.length;

    // ts: YYYY-MM-DDTHH:MM[:SS[.f{1,3}]](Z|±HH:MM)"
    if (p + 17 > end) return false;
    const year = digit(buf[p]) * 1000 + digit(buf[p + 1]) * 100 + digit(buf[p + 2]) * 10 + digit(buf[p + 3]);
    const month = digit(buf[p + 5]) * 10 + digit(buf[p + 6]);
    const day = digit(buf[p + 8]) * 10 + digit(buf[p + 9]);
    const hour = digit(buf[p + 11]) * 10 + digit(buf[p + 12]);
    const minute = digit(buf[p + 14]) * 10 + digit(buf[p + 15]);
    if (buf[p + 4] !== MINUS || buf[p + 7] !== MINUS || buf[p + 10] !== 84 || buf[p + 13] !== COLON) return false;
    if (year < 2000 || month < 1 || month > 12 || day < 1 || day > 31 || hour < 0 || hour > 23 || minute < 0 || minute > 59) {
      return false;
    }
    p += 16;
    let second = 0;
    let millis = 0;
    if (buf[p] === COLON) {
      second = digit(buf[p + 1]) * 10 + digit(buf[p + 2]);
      if (second < 0 || second > 59) return false;
      p += 3;
      if (buf[p] === DOT) {
        p += 1;
        let places = 0;
        for (let d = digit(buf[p]); d >= 0; d = digit(buf[p])) {
          if (places === 3) return false;
          millis = millis * 10 + d;
          places += 1;
          p += 1;
        }
        if (places === 0) return false;
        millis *= POW10[3 - places] ?? 1;
      }
    }
    let offsetMinutes = 0;
    const zone = buf[p];
    if (zone === 90) p += 1;
    else if (zone === PLUS || zone === MINUS) {
      const hours = digit(buf[p + 1]) * 10 + digit(buf[p + 2]);
      const minutes = digit(buf[p + 4]) * 10 + digit(buf[p + 5]);
      if (buf[p + 3] !== COLON || hours < 0 || hours > 23 || minutes < 0 || minutes > 59) return false;
      offsetMinutes = (zone === PLUS ? 1 : -1) * (hours * 60 + minutes);
      p += 6;
    } else return false;
    if (buf[p] !== QUOTE) return false;
    p += 1;
    const ymd = year * 10_000 + month * 100 + day;
    if (ymd !== this.lastYmd) {
      // Date.parse rolls 2026-02-30 over into March; such days are left to the slow path.
      const dayMs = Date.UTC(year, month - 1, day);
      if (new Date(dayMs).getUTCDate() !== day) return false;
      this.lastYmd = ymd;
      this.lastDayMs = dayMs;
    }
    const tsMs = this.lastDayMs + ((hour * 60 + minute - offsetMinutes) * 60 + second) * 1000 + millis;
    if (tsMs < EVENT_LIMITS.minTimeMs) return false;

    // value: a JSON number without exponent, at most 15 digits, so mantissa / 10^k is exact
    // IEEE division and rounds exactly as JSON.parse does
    let value = 1;
    if (matchesAt(buf, p, end, VALUE_FIELD)) {
      p += VALUE_FIELD.length;
      const negative = buf[p] === MINUS;
      if (negative) p += 1;
      let mantissa = digit(buf[p]);
      if (mantissa < 0) return false;
      let digits = 1;
      p += 1;
      if (mantissa === 0) {
        if (digit(buf[p]) >= 0) return false;
      } else {
        for (let d = digit(buf[p]); d >= 0; d = digit(buf[p])) {
          mantissa = mantissa * 10 + d;
          digits += 1;
          p += 1;
        }
      }
      let places = 0;
      if (buf[p] === DOT) {
        p += 1;
        for (let d = digit(buf[p]); d >= 0; d = digit(buf[p])) {
          mantissa = mantissa * 10 + d;
          digits += 1;
          places += 1;
          p += 1;
        }
        if (places === 0) return false;
      }
      if (digits > 15 || buf[p] === 101 || buf[p] === 69) return false;
      value = places === 0 ? mantissa : mantissa / (POW10[places] ?? 1);
      if (negative) value = -value;
    }

    let info = this.noDims;
    if (matchesAt(buf, p, end, DIMS_FIELD)) {
      // dims is the last field, so its text runs to just before the line's closing brace. Known
      // texts are found by their bytes (no string is built); a new one is judged whole by
      // JSON.parse + checkEvent, which also settles that it is one well-formed JSON object.
      const dimsStart = p + DIMS_FIELD.length - 1;
      const dimsEnd = end - 1;
      if (buf[dimsEnd] !== CLOSE) return false;
      let hash = 0x811c9dc5;
      for (let i = dimsStart; i < dimsEnd; i += 1) hash = Math.imul(hash ^ (buf[i] ?? 0), 16777619);
      hash &= 0x3fffffff;
      const raw = this.rawDims.find(buf, dimsStart, dimsEnd, hash);
      const known = raw === undefined ? this.learnDims(buf, dimsStart, dimsEnd, hash) : raw.value;
      if (known === null) return false;
      info = known;
      p = dimsEnd;
    }
    if (p !== end - 1 || buf[p] !== CLOSE) return false;
    this.add(info, metric, this.dayCache.dayIndexOf(tsMs), value);
    return true;
  }

  /** Judges a dims object the first time this object shows its exact text (the run's judgement, when it has one). */
  private learnDims(buf: Buffer, start: number, end: number, hash: number): DimsInfo | null {
    const dimsKey = this.judgements.dimsKeyOfText(buf, start, end, hash);
    const info = dimsKey === null ? null : this.internDims(dimsKey);
    this.rawDims.remember(buf, start, end, hash, info);
    return info;
  }

  private add(info: DimsInfo, metric: number, day: number, value: number): void {
    const position = day * this.metricNames.length + metric;
    const slots = info.slots;
    while (slots.length <= position) slots.push(-1);
    const slot = slots[position] ?? -1;
    if (slot < 0) {
      slots[position] = this.newSlot(value);
      return;
    }
    const acc = this.acc;
    const o = slot * 4;
    acc[o] = (acc[o] ?? 0) + 1;
    acc[o + 1] = (acc[o + 1] ?? 0) + value;
    if (value < (acc[o + 2] ?? 0)) acc[o + 2] = value;
    if (value > (acc[o + 3] ?? 0)) acc[o + 3] = value;
  }

  private newSlot(value: number): number {
    if ((this.accUsed + 1) * 4 > this.acc.length) {
      const grown = new Float64Array(this.acc.length * 2);
      grown.set(this.acc);
      this.acc = grown;
    }
    const slot = this.accUsed;
    this.accUsed += 1;
    this.acc.set([1, value, value, value], slot * 4);
    return slot;
  }

  private internDims(dimsKey: string): DimsInfo {
    let info = this.byDimsKey.get(dimsKey);
    if (!info) {
      info = { dimsKey, slots: [] };
      this.byDimsKey.set(dimsKey, info);
    }
    return info;
  }

  private internDay(day: string): number {
    let index = this.dayIndex.get(day);
    if (index === undefined) {
      index = this.days.length;
      this.days.push(day);
      this.dayIndex.set(day, index);
    }
    return index;
  }
}

function isSpace(c: number | undefined): boolean {
  return c === 32 || c === 9 || c === 13 || c === 10;
}

/** 30 bits, so map keys stay small integers; the bytes are compared after a hit anyway. */
function metricKey(hash: number, length: number): number {
  return (Math.imul(hash, 64) + length) & 0x3fffffff;
}

function metricHash(bytes: Uint8Array, start: number, end: number): number {
  let hash = 0;
  for (let i = start; i < end; i += 1) hash = (Math.imul(hash, 31) + (bytes[i] ?? 0)) | 0;
  return hash;
}
