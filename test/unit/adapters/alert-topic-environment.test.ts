import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { AlertPublishError } from '../../../functions/adapters/alerts/sns-alerter';
import { afterEach, describe, expect, it } from 'vitest';
import { readEnvironment } from '../../../functions/adapters/environment';
import { InvalidEnvironmentError } from '../../../functions/adapters/environment-error';
import { MINIMAL_RUNTIME_VARIABLES } from '../../helpers/environment';
import { proofAlerter } from '../../../functions/adapters/alerts/proof-alerter';
import type { Logger } from '../../../functions/core/jobs/logger';

const base = MINIMAL_RUNTIME_VARIABLES;

/** Remembers every line, with the fields of its child loggers. */
function recordingLogger(lines: Array<{ level: string; message: string; fields: Record<string, unknown> }>, keys: Record<string, unknown> = {}): Logger {
  const log = (level: string) => (message: string, extra: Record<string, unknown> = {}) => void lines.push({ level, message, fields: { ...keys, ...extra } });
  return { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error'), child: (more) => recordingLogger(lines, { ...keys, ...more }) };
}

describe('the alert topic in the environment', () => {
  it('is optional, and read once when set', () => {
    // Act
    const without = readEnvironment({ ...base });
    const withTopic = readEnvironment({ ...base, NIGHTSHIFT_ALERT_TOPIC_ARN: 'arn:aws:sns:us-east-1:123456789012:Nightshift-AlertTopic' });

    // Assess
    expect(without.alertTopicArn).toBeUndefined();
    expect(withTopic.alertTopicArn).toBe('arn:aws:sns:us-east-1:123456789012:Nightshift-AlertTopic');
  });

  it('names the variable when it is not an SNS topic ARN', () => {
    // Act
    const read = () => readEnvironment({ ...base, NIGHTSHIFT_ALERT_TOPIC_ARN: 'arn:aws:sqs:us-east-1:123456789012:queue' });

    // Assess
    expect(read).toThrow(InvalidEnvironmentError);
    expect(read).toThrow(/NIGHTSHIFT_ALERT_TOPIC_ARN: must be an SNS topic ARN/);
  });

  it('logs alerts with their text under detail, warn as a warning and the rest as errors', async () => {
    // Prepare
    const lines: Array<{ level: string; message: string; fields: Record<string, unknown> }> = [];
    const alerter = proofAlerter({ region: 'us-east-1' }, recordingLogger(lines));

    // Act
    await alerter.publish({ date: '2026-11-22', status: 'warn', exitCode: 1, subject: 'Sampling proof 2026-11-22: warn', message: 'warn trend:revenue', jobId: 'j1' });
    await alerter.publish({ date: '2026-11-23', status: 'error', exitCode: 3, subject: 'Sampling proof 2026-11-23 could not be computed', message: 'boom', jobId: 'j2' });

    // Assess
    expect(lines.map((line) => [line.level, line.message, line.fields['detail']])).toEqual([
      ['warn', 'ALERT Sampling proof 2026-11-22: warn', 'warn trend:revenue'],
      ['error', 'ALERT Sampling proof 2026-11-23 could not be computed', 'boom'],
    ]);
  });

  describe('with an alert topic', () => {
    const sns = mockClient(SNSClient);
    afterEach(() => sns.reset());
    const topic = 'arn:aws:sns:us-east-1:123456789012:t';
    const alert = { date: '2026-11-22', status: 'critical', exitCode: 2, subject: 'Sampling proof 2026-11-22: critical — revenue', message: 'critical range:revenue', jobId: 'j1', key: 'sampling-proofs/sampling-proof-20261122.json' } as const;

    it('publishes to SNS (ASCII subject, the alert as JSON, status and date as attributes) and still logs', async () => {
      // Prepare
      sns.on(PublishCommand).resolves({ MessageId: 'm-1' });
      const lines: Array<{ level: string; message: string; fields: Record<string, unknown> }> = [];

      // Act
      await proofAlerter({ region: 'us-east-1', alertTopicArn: topic }, recordingLogger(lines)).publish(alert);

      // Assess
      const input = sns.commandCalls(PublishCommand)[0]!.args[0].input;
      expect(input).toMatchObject({ TopicArn: topic, Subject: 'Sampling proof 2026-11-22: critical ? revenue' });
      expect(JSON.parse(input.Message!)).toEqual(alert);
      expect(input.MessageAttributes).toEqual({ status: { DataType: 'String', StringValue: 'critical' }, date: { DataType: 'String', StringValue: '2026-11-22' } });
      expect(lines.map((line) => line.message)).toEqual(['ALERT Sampling proof 2026-11-22: critical — revenue']);
    });

    it('turns an SNS failure into AlertPublishError with the cause, after logging the alert', async () => {
      // Prepare
      const denied = Object.assign(new Error('not authorized to publish'), { name: 'AuthorizationErrorException' });
      sns.on(PublishCommand).rejects(denied);
      const lines: Array<{ level: string; message: string; fields: Record<string, unknown> }> = [];

      // Act
      const failure = await proofAlerter({ region: 'us-east-1', alertTopicArn: topic }, recordingLogger(lines)).publish(alert).catch((error: unknown) => error);

      // Assess
      expect(failure).toBeInstanceOf(AlertPublishError);
      expect((failure as AlertPublishError).cause).toBe(denied);
      expect(lines).toHaveLength(1);
    });
  });
});
