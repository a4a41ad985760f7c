import { InvalidScheduleExpressionError } from '../errors';
import type { CronFields, CronSchedule, DayOfMonthRule, DayOfWeekRule } from './types';

/**
 * Parser for EventBridge Scheduler `cron(minutes hours day-of-month month day-of-week year)`.
 *
 * Deliberately stricter than Quartz (which EventBridge's syntax comes from) wherever the AWS
 * documentation does not promise a behaviour: ranges must not wrap around (`22-2`), `L`, `W`
 * and `#` must stand alone in their field, and `/` is refused in day-of-week (the documented
 * wildcards there are `, - * ? L #`). Rejecting at validation time is cheaper than discovering
 * at deploy time that AWS reads the expression differently.
 */

interface FieldSpec {
  key: keyof CronFields;
  label: string;
  min: number;
  max: number;
  /** Names accepted instead of numbers, in order from `min`. */
  names?: readonly string[];
  namesHint?: string;
}

const monthNames = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'] as const;
const dayNames = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'] as const;

const specs: readonly FieldSpec[] = [
  { key: 'minutes', label: 'minute', min: 0, max: 59 },
  { key: 'hours', label: 'hour', min: 0, max: 23 },
  { key: 'dayOfMonth', label: 'day-of-month', min: 1, max: 31 },
  { key: 'month', label: 'month', min: 1, max: 12, names: monthNames, namesHint: 'JAN-DEC' },
  { key: 'dayOfWeek', label: 'day-of-week', min: 1, max: 7, names: dayNames, namesHint: 'SUN-SAT (1 = SUN)' },
  { key: 'year', label: 'year', min: 1970, max: 2199 },
];

function spec(key: keyof CronFields): FieldSpec {
  const found = specs.find((s) => s.key === key);
  if (!found) throw new Error(`no cron field ${key}`);
  return found;
}

class FieldParser {
  constructor(
    private readonly text: string,
    private readonly spec: FieldSpec,
    private readonly raw: string,
  ) {}

  fail(problem: string, token?: string): never {
    const where = token === undefined || token === this.raw ? `${this.spec.label} field "${this.raw}"` : `${this.spec.label} field "${this.raw}": "${token}"`;
    throw new InvalidScheduleExpressionError(this.text, `${where} ${problem}`);
  }

  private range(): string {
    const { min, max, namesHint } = this.spec;
    return namesHint ? `${min}-${max} or ${namesHint}` : `${min}-${max}`;
  }

  value(token: string): number {
    const { min, max, names } = this.spec;
    if (/^\d+$/.test(token)) {
      const n = Number(token);
      if (n < min || n > max) this.fail(`is out of range ${this.range()}`, token);
      return n;
    }
    if (names) {
      const index = names.indexOf(token.toUpperCase());
      if (index >= 0) return index + min;
      if (/^[A-Za-z]+$/.test(token)) this.fail(`is not a ${this.spec.label === 'month' ? 'month' : 'day'} name; use ${this.range()}`, token);
    }
    return this.fail(`is not a number in range ${this.range()}`, token);
  }

  /** Rejects the special characters of other fields with a message that names where they belong. */
  private checkSpecials(item: string): void {
    const { key } = this.spec;
    if (item.includes('?')) {
      if (key === 'dayOfMonth' || key === 'dayOfWeek') this.fail('uses "?" inside a list or range; "?" must be the whole field');
      this.fail(`uses "?", which is only allowed in the day-of-month or day-of-week field`, item);
    }
    if (item.includes('#') && key !== 'dayOfWeek') this.fail('uses "#", which is only allowed in the day-of-week field (e.g. 2#1 = first Monday)', item);
    if (/^(\d+W|LW)$/i.test(item) && key !== 'dayOfMonth') this.fail('uses "W", which is only allowed in the day-of-month field (e.g. 15W)', item);
    if (/^\d*L$/i.test(item) && key !== 'dayOfMonth' && key !== 'dayOfWeek') {
      this.fail('uses "L", which is only allowed in the day-of-month and day-of-week fields', item);
    }
    if (item.includes('/') && key === 'dayOfWeek') this.fail('uses "/", which EventBridge does not allow in the day-of-week field (allowed: , - * ? L #)', item);
  }

  /** `,` `-` `*` `/` lists, e.g. `0/15`, `MON-FRI`, `1,15,30`, `10-40/10`. Sorted, de-duplicated. */
  list(): number[] {
    const { min, max } = this.spec;
    if (this.raw === '') this.fail('is empty');
    const values = new Set<number>();
    for (const item of this.raw.split(',')) {
      if (item === '') this.fail('has an empty list item (two commas or a trailing comma)');
      this.checkSpecials(item);
      const match = /^(\*|[A-Za-z0-9]+)(?:-([A-Za-z0-9]+))?(?:\/(.*))?$/.exec(item);
      if (!match) this.fail('is not a value, a range (a-b), a step (a/n) or *', item);
      const [, base = '', rangeEnd, stepText] = match;
      if (base === '*' && rangeEnd !== undefined) this.fail('combines * with a range; use either * or a-b', item);
      const start = base === '*' ? min : this.value(base);
      let end = base === '*' ? max : rangeEnd !== undefined ? this.value(rangeEnd) : start;
      if (start > end) {
        this.fail(`is a backwards range; EventBridge ranges do not wrap around, write ${start}-${max},${min}-${end} instead`, item);
      }
      let step = 1;
      if (stepText !== undefined) {
        if (!/^\d+$/.test(stepText) || Number(stepText) < 1 || Number(stepText) > max - min) {
          this.fail(`has step "${stepText}"; a step must be a whole number from 1 to ${max - min}`, item);
        }
        step = Number(stepText);
        // Quartz semantics: `a/n` runs from a to the end of the field.
        if (rangeEnd === undefined) end = max;
      }
      for (let v = start; v <= end; v += step) values.add(v);
    }
    return [...values].sort((a, b) => a - b);
  }

  dayOfMonth(): DayOfMonthRule {
    const raw = this.raw.toUpperCase();
    if (raw === '?') return { type: 'unspecified' };
    if (raw === 'L') return { type: 'last' };
    if (raw === 'LW') return { type: 'lastWeekday' };
    const nearest = /^(\d+)W$/.exec(raw);
    if (nearest) {
      const day = this.value(nearest[1] ?? '');
      return { type: 'nearestWeekday', day };
    }
    if (/[LW]/.test(raw)) {
      if (/^L-\d+$/.test(raw)) this.fail('uses an offset from the last day (L-n), which EventBridge does not support; use L or LW');
      this.fail('must use "L" and "W" alone (L, LW or a single day like 15W), not in lists, ranges or steps');
    }
    return { type: 'days', days: this.list() };
  }

  dayOfWeek(): DayOfWeekRule {
    const raw = this.raw.toUpperCase();
    if (raw === '?') return { type: 'unspecified' };
    // A bare `L` is "the last day of the week": every Saturday (Quartz reads it as plain 7),
    // not the last Saturday of the month, which is `7L`.
    if (raw === 'L') return { type: 'days', days: [7] };
    const last = /^([A-Z0-9]+)L$/.exec(raw);
    if (last) return { type: 'last', weekday: this.value(last[1] ?? '') };
    const nth = /^([A-Z0-9]+)#(.*)$/.exec(raw);
    if (nth) {
      const weekday = this.value(nth[1] ?? '');
      const n = nth[2] ?? '';
      if (!/^[1-5]$/.test(n)) this.fail(`has occurrence "${n}" after "#"; it must be 1-5 (e.g. 2#1 = first Monday, 6#5 = fifth Friday)`);
      return { type: 'nth', weekday, nth: Number(n) };
    }
    // No day name contains L or #, so any left over here is misplaced.
    if (/[L#]/.test(raw)) {
      this.fail('must use "L" and "#" alone (L, 6L or 2#1), not in lists or ranges');
    }
    return { type: 'days', days: this.list() };
  }
}

const fieldOrder: readonly (keyof CronFields)[] = ['minutes', 'hours', 'dayOfMonth', 'month', 'dayOfWeek', 'year'];

export function parseCron(text: string): CronSchedule {
  const match = /^cron\((.*)\)$/s.exec(text);
  if (!match) throw new InvalidScheduleExpressionError(text, 'a cron expression must look like cron(minutes hours day-of-month month day-of-week year)');
  const inner = (match[1] ?? '').trim();
  const parts = inner === '' ? [] : inner.split(/\s+/);
  if (parts.length !== 6) {
    throw new InvalidScheduleExpressionError(
      text,
      `expected 6 fields (minutes hours day-of-month month day-of-week year) but found ${parts.length}`,
    );
  }
  const fields = Object.fromEntries(fieldOrder.map((key, i) => [key, parts[i] ?? ''])) as unknown as CronFields;
  const parser = (key: keyof CronFields) => new FieldParser(text, spec(key), fields[key]);

  const minutes = parser('minutes').list();
  const hours = parser('hours').list();
  const dayOfMonth = parser('dayOfMonth').dayOfMonth();
  const months = parser('month').list();
  const dayOfWeek = parser('dayOfWeek').dayOfWeek();
  const years = parser('year').list();

  const domGiven = dayOfMonth.type !== 'unspecified';
  const dowGiven = dayOfWeek.type !== 'unspecified';
  if (domGiven && dowGiven) {
    throw new InvalidScheduleExpressionError(
      text,
      `day-of-month "${fields.dayOfMonth}" and day-of-week "${fields.dayOfWeek}" are both specified; EventBridge requires "?" in one of them (e.g. cron(0 8 * * ? *) or cron(0 8 ? * MON *))`,
    );
  }
  if (!domGiven && !dowGiven) {
    throw new InvalidScheduleExpressionError(text, 'day-of-month and day-of-week are both "?"; exactly one of them must be "?" and the other must say which days');
  }
  return { kind: 'cron', text, fields, minutes, hours, dayOfMonth, months, dayOfWeek, years };
}
