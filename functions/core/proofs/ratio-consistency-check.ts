import type { CheckConfig } from '../config';
import { formatValue } from './daily-value';
import type { CheckVerdict } from './types';

type RatioConsistencyCheck = Extract<CheckConfig, { kind: 'ratio_consistency' }>;

/**
 * numerator ≤ denominator × (1 + tolerance) over the day (orders never exceed sessions), else
 * critical. The observed value is the ratio; a zero denominator with a positive numerator is a
 * violation, with a zero numerator there is nothing to compare (skipped). Which ratio the pair
 * forms is validated against `ratios` when the config is parsed.
 */
export function checkRatioConsistency(check: RatioConsistencyCheck, numerator: number, denominator: number): CheckVerdict {
  const expected = { min: 0, max: 1 + check.tolerance };
  if (!Number.isFinite(numerator) || !Number.isFinite(denominator)) {
    return { status: 'critical', reason: 'not_a_number', message: `${numerator} / ${denominator} is not a number`, observed: null, expected, score: null };
  }
  if (denominator === 0) {
    if (numerator === 0) return { status: 'skipped', reason: 'zero_denominator', message: `no ${check.numerator} and no ${check.denominator}`, observed: null, expected, score: null };
    return {
      status: 'critical',
      reason: 'numerator_exceeds_denominator',
      message: `${check.numerator} ${numerator} with no ${check.denominator}`,
      observed: null,
      expected,
      score: null,
    };
  }
  const ratio = numerator / denominator;
  const base = { observed: ratio, expected, score: null };
  if (numerator > denominator * (1 + check.tolerance)) {
    return { ...base, status: 'critical', reason: 'numerator_exceeds_denominator', message: `${check.numerator} ${formatValue(numerator)} > ${check.denominator} ${formatValue(denominator)}` };
  }
  return { ...base, status: 'pass', reason: null, message: `${check.numerator} ${formatValue(numerator)} ≤ ${check.denominator} ${formatValue(denominator)}` };
}
