import { describe, expect, it } from 'vitest';
import { parseDeadLetter } from '../../../functions/core/jobs/slots/dead-letters';
import { schedulerDeadLetter } from '../../helpers/dead-letters';

const SCHEDULES = new Set(['snapshot-daily', 'rollup-hourly']);

describe('parseDeadLetter', () => {
  it("reads the slot from the body Scheduler copied from the target input, written as every slot key is", () => {
    // Prepare: Scheduler substitutes the slot without milliseconds.
    const message = schedulerDeadLetter('snapshot-daily', 'snapshot', '2027-03-16T09:30:00Z');
    // Act
    const parsed = parseDeadLetter(message, SCHEDULES);
    // Assess
    expect(parsed).toEqual({ slot: { schedule: 'snapshot-daily', scheduledFor: '2027-03-16T09:30:00.000Z' } });
  });

  it('falls back to SCHEDULE_ARN and SCHEDULED_TIME when the body is not the input (a truncated payload)', () => {
    // Prepare
    const message = { ...schedulerDeadLetter('rollup-hourly', 'rollup', '2027-03-16T10:05:00Z'), body: '{"type":"rollup","trigger":"sched' };
    // Act
    const parsed = parseDeadLetter(message, SCHEDULES);
    // Assess
    expect(parsed).toEqual({ slot: { schedule: 'rollup-hourly', scheduledFor: '2027-03-16T10:05:00.000Z' } });
  });

  it('refuses a message that names no slot, saying what is wrong with body and attributes', () => {
    // Prepare
    const garbage = { body: 'not json', attributes: { SCHEDULE_ARN: 'arn:aws:sqs:eu-west-1:123456789012:queue', SCHEDULED_TIME: 'yesterday' } };
    // Act
    const parsed = parseDeadLetter(garbage, SCHEDULES);
    // Assess
    expect(parsed).toEqual({ refused: expect.stringMatching(/body.*attributes.*SCHEDULE_ARN: a schedule ARN.*SCHEDULED_TIME/) });
  });

  it('refuses a slot time that is not an ISO instant, and a schedule this deployment does not have', () => {
    // Act
    const badTime = parseDeadLetter({ body: JSON.stringify({ scheduleName: 'snapshot-daily', scheduledFor: '2027-03-16 09:30' }), attributes: {} }, SCHEDULES);
    const unknown = parseDeadLetter(schedulerDeadLetter('snapshot-hourly', 'snapshot', '2027-03-16T09:00:00Z'), SCHEDULES);
    // Assess
    expect(badTime).toEqual({ refused: expect.stringContaining('scheduledFor') });
    expect(unknown).toEqual({ refused: 'schedule snapshot-hourly is not one of this deployment\'s' });
  });
});
