import { describe, expect, it } from 'vitest';
import { InvalidEnvironmentError, readEnvironment } from '../../../functions/adapters/environment';
import { proofAlerter } from '../../../functions/adapters/alerts/proof-alerter';
import type { Logger } from '../../../functions/core/jobs/logger';

const base = {
  AWS_REGION: 'us-east-1',
  JOBS_TABLE: 'jobs',
  ANALYTICS_TABLE: 'analytics',
  ARTIFACTS_BUCKET: 'bucket',
  NIGHTSHIFT_INVOKER: 'in-process',
  NIGHTSHIFT_DEPLOYED_AT: '2026-11-22T10:00:00.000Z',
  NIGHTSHIFT_CONFIG_JSON: '{}',
};

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
    const alerter = proofAlerter({ alertTopicArn: 'arn:aws:sns:us-east-1:123456789012:t' }, recordingLogger(lines));

    // Act
    await alerter.publish({ date: '2026-11-22', status: 'warn', exitCode: 1, subject: 'Sampling proof 2026-11-22: warn', message: 'warn trend:revenue', jobId: 'j1' });
    await alerter.publish({ date: '2026-11-23', status: 'error', exitCode: 3, subject: 'Sampling proof 2026-11-23 could not be computed', message: 'boom', jobId: 'j2' });

    // Assess
    expect(lines.map((line) => [line.level, line.message, line.fields['detail'], line.fields['alertTopicArn']])).toEqual([
      ['warn', 'ALERT Sampling proof 2026-11-22: warn', 'warn trend:revenue', 'arn:aws:sns:us-east-1:123456789012:t'],
      ['error', 'ALERT Sampling proof 2026-11-23 could not be computed', 'boom', 'arn:aws:sns:us-east-1:123456789012:t'],
    ]);
  });
});
