import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import { NightshiftError } from '../../core/errors';
import type { Alerter, ProofAlert } from '../../core/proofs/ports';

export class AlertPublishError extends NightshiftError {
  constructor(topicArn: string, options: { cause: unknown }) {
    super('alert_publish_failed', `publishing a proof alert to ${topicArn} failed`, options);
  }
}

/** SNS's subject limit: 100 printable ASCII characters. */
const MAX_SUBJECT = 100;

/**
 * Proof alerts to the SNS topic: the subject for mail subscribers, the alert as JSON in the
 * message for programs, and status/date as message attributes for subscription filters.
 */
export class SnsAlerter implements Alerter {
  constructor(
    private readonly sns: SNSClient,
    private readonly topicArn: string,
  ) {}

  async publish(alert: ProofAlert): Promise<void> {
    try {
      await this.sns.send(
        new PublishCommand({
          TopicArn: this.topicArn,
          Subject: alert.subject.replace(/[^\x20-\x7e]/g, '?').slice(0, MAX_SUBJECT),
          Message: JSON.stringify(alert, null, 2),
          MessageAttributes: {
            status: { DataType: 'String', StringValue: alert.status },
            date: { DataType: 'String', StringValue: alert.date },
          },
        }),
      );
    } catch (error) {
      throw new AlertPublishError(this.topicArn, { cause: error });
    }
  }
}

/** Every alert goes to each channel; one failing channel does not silence the others. */
export class FanOutAlerter implements Alerter {
  constructor(private readonly channels: readonly Alerter[]) {}

  async publish(alert: ProofAlert): Promise<void> {
    const results = await Promise.allSettled(this.channels.map((channel) => channel.publish(alert)));
    const failed = results.find((result): result is PromiseRejectedResult => result.status === 'rejected');
    if (failed) throw failed.reason;
  }
}
