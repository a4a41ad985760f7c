import { describe, expect, it } from 'vitest';
import { httpStatusOf } from '../../../functions/api/errors';
import { LeaseLostError, RunInProgressError } from '../../../functions/core/jobs/errors';
import { RollupBusyError } from '../../../functions/core/rollup/errors';
import { InvalidTimeZoneError } from '../../../functions/core/time/errors';
import { ScriptInputTooLargeError } from '../../../functions/jobs/script-run/script-run-run';

/**
 * Statuses come from one table keyed by every ErrorCode (the compiler refuses a missing code);
 * these codes were missing from the old string-keyed table and answered 500.
 */
describe('httpStatusOf', () => {
  it.each([
    ['rollup_busy', new RollupBusyError('01KRUN'), 503],
    ['lease_lost', new LeaseLostError('rollup', '01KRUN'), 409],
    ['script_input_too_large', new ScriptInputTooLargeError('scripts/in.csv', 10), 413],
    ['invalid_timezone', new InvalidTimeZoneError('Mars/Olympus'), 400],
  ])('answers %s with its own status, not 500', (_code, error, status) => {
    expect(httpStatusOf(error)).toBe(status);
  });

  it('keeps 409 for a run in progress and 500 for anything that is not ours', () => {
    expect(httpStatusOf(new RunInProgressError('01KRUN'))).toBe(409);
    expect(httpStatusOf(new Error('boom'))).toBe(500);
    expect(httpStatusOf('a string')).toBe(500);
  });
});
