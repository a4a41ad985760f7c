import type { CheckConfig } from '../config';
import { formatValue, undefinedRatioMessage } from './daily-value';
import type { CheckVerdict, DailyValue, ExpectedBand } from './types';

type RangeCheck = Extract<CheckConfig, { kind: 'range' }>;

/**
 * Hard bounds → critical, soft bounds → warn (both inclusive: a value on a bound passes). A
 * value that is not a number is critical, and so is a ratio outside [0, 1] whatever the bounds
 * say. A ratio with a zero denominator is undefined: a warn, since the denominator's own checks
 * judge the empty day.
 */
export function checkRange(check: RangeCheck, observed: DailyValue, ratio: boolean): CheckVerdict {
  const expected = expectedBand(check);
  if (!observed.defined) {
    return verdict('warn', observed.reason, undefinedRatioMessage(observed), null, expected);
  }
  const value = observed.value;
  if (!Number.isFinite(value)) return verdict('critical', 'not_a_number', `${value} is not a finite number`, null, expected);
  const shown = formatValue(value);
  if (ratio && (value < 0 || value > 1)) return verdict('critical', 'ratio_out_of_bounds', `ratio ${shown} is outside [0, 1]`, value, expected);
  const hard = outside(value, check.hard);
  if (hard) return verdict('critical', `${hard.side}_hard_${hard.which}`, `${shown} is ${hard.side} the hard ${hard.which} ${hard.bound}`, value, expected);
  const soft = outside(value, check.soft);
  if (soft) return verdict('warn', `${soft.side}_soft_${soft.which}`, `${shown} is ${soft.side} the soft ${soft.which} ${soft.bound}`, value, expected);
  return verdict('pass', null, `${shown} is within bounds`, value, expected);
}

function outside(value: number, bounds: { min?: number; max?: number } | undefined): { side: 'below' | 'above'; which: 'min' | 'max'; bound: number } | undefined {
  if (bounds?.min !== undefined && value < bounds.min) return { side: 'below', which: 'min', bound: bounds.min };
  if (bounds?.max !== undefined && value > bounds.max) return { side: 'above', which: 'max', bound: bounds.max };
  return undefined;
}

/** The band a value passes in: the soft bounds where set, else the hard ones. */
function expectedBand(check: RangeCheck): ExpectedBand {
  return {
    min: check.soft?.min ?? check.hard?.min ?? null,
    max: check.soft?.max ?? check.hard?.max ?? null,
  };
}

function verdict(status: CheckVerdict['status'], reason: string | null, message: string, observed: number | null, expected: ExpectedBand): CheckVerdict {
  return { status, reason, message, observed, expected, score: null };
}
