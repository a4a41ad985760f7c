import type { DeadLetterMessage, ScheduleDeadLetterQueue } from '../../functions/core/jobs/slots/dead-letters';

/**
 * A dead letter as EventBridge Scheduler writes it to the schedules' queue: the target input the
 * stack gives a schedule, its slot substituted without milliseconds, and Scheduler's attributes.
 */
export function schedulerDeadLetter(schedule: string, type: string, scheduledFor: string, receipt = `${schedule}@${scheduledFor}`): DeadLetterMessage {
  const slot = new Date(scheduledFor).toISOString().replace(/\.\d{3}Z$/, 'Z');
  return {
    receipt,
    body: JSON.stringify({ type, trigger: 'schedule', scheduleName: schedule, scheduledFor: slot, params: {} }),
    attributes: {
      ERROR_CODE: 'Lambda.TooManyRequestsException',
      ERROR_MESSAGE: 'Rate exceeded',
      EXHAUSTED_RETRY_CONDITION: 'MaximumRetryAttempts',
      RETRY_ATTEMPTS: '3',
      SCHEDULED_TIME: slot,
      SCHEDULE_ARN: `arn:aws:scheduler:eu-west-1:123456789012:schedule/nightshift/${schedule}`,
      TARGET_ARN: `arn:aws:lambda:eu-west-1:123456789012:function:nightshift-${type}`,
      IS_PAYLOAD_TRUNCATED: 'false',
    },
  };
}

/** The queue's semantics the sweeper relies on: batches of ten, acknowledged messages gone, the rest hidden until the next drain. */
export class QueueOfDeadLetters implements ScheduleDeadLetterQueue {
  private hidden = new Set<string>();

  constructor(public messages: DeadLetterMessage[]) {}

  async receive(): Promise<DeadLetterMessage[]> {
    const batch = this.messages.filter((message) => !this.hidden.has(message.receipt)).slice(0, 10);
    for (const message of batch) this.hidden.add(message.receipt);
    return batch;
  }

  async acknowledge(receipts: readonly string[]): Promise<void> {
    this.messages = this.messages.filter((message) => !receipts.includes(message.receipt));
  }

  /** The visibility timeout is over: what was left becomes visible again. */
  reveal(): void {
    this.hidden.clear();
  }
}
