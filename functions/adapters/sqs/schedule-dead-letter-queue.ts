import { DeleteMessageBatchCommand, ReceiveMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { DeadLetterMessage, ScheduleDeadLetterQueue } from '../../core/jobs/slots/dead-letters';
import { StorageAccessDeniedError, StorageFailedError } from '../../core/storage/errors';

/** SQS's largest batch, for receives and deletes alike. */
const BATCH = 10;
/** Longer than a sweep (110 s): a message one sweep left in the queue is not read twice by it. */
const VISIBILITY_SECONDS = 180;

/** The schedules' dead-letter queue over SQS: short polls (an empty queue answers at once). */
export class SqsScheduleDeadLetterQueue implements ScheduleDeadLetterQueue {
  constructor(
    private readonly sqs: SQSClient,
    private readonly queueUrl: string,
  ) {}

  async receive(): Promise<DeadLetterMessage[]> {
    try {
      const { Messages = [] } = await this.sqs.send(
        new ReceiveMessageCommand({ QueueUrl: this.queueUrl, MaxNumberOfMessages: BATCH, MessageAttributeNames: ['All'], VisibilityTimeout: VISIBILITY_SECONDS, WaitTimeSeconds: 0 }),
      );
      return Messages.flatMap((message) =>
        message.ReceiptHandle === undefined
          ? []
          : [
              {
                receipt: message.ReceiptHandle,
                body: message.Body ?? '',
                attributes: Object.fromEntries(Object.entries(message.MessageAttributes ?? {}).flatMap(([name, value]) => (value.StringValue === undefined ? [] : [[name, value.StringValue]]))),
              },
            ],
      );
    } catch (error) {
      throw translated(error, "reading the schedules' dead-letter queue");
    }
  }

  async acknowledge(receipts: readonly string[]): Promise<void> {
    for (let start = 0; start < receipts.length; start += BATCH) {
      const entries = receipts.slice(start, start + BATCH).map((receipt, index) => ({ Id: String(index), ReceiptHandle: receipt }));
      let failed: number;
      try {
        const answer = await this.sqs.send(new DeleteMessageBatchCommand({ QueueUrl: this.queueUrl, Entries: entries }));
        failed = answer.Failed?.length ?? 0;
      } catch (error) {
        throw translated(error, 'deleting recorded dead letters of the schedules');
      }
      // Recorded already: a message that comes back is recorded again, which changes nothing.
      if (failed > 0) throw new StorageFailedError(`deleting ${failed} recorded dead letters of the schedules (they will be read again)`);
    }
  }
}

function translated(error: unknown, what: string): Error {
  const name = error instanceof Error ? error.name : '';
  return name === 'AccessDenied' || name === 'AccessDeniedException' ? new StorageAccessDeniedError(what, { cause: error }) : new StorageFailedError(what, { cause: error });
}
