import type { Logger } from '../../core/jobs/logger';
import type { Alerter } from '../../core/proofs/ports';
import { createSnsClient } from '../aws-clients';
import type { RuntimeEnvironment } from '../environment';
import { LoggingAlerter } from './logging-alerter';
import { FanOutAlerter, SnsAlerter } from './sns-alerter';

/**
 * The runtime's alerter. Alerts are always logged (the local cloud's only channel); where the
 * stack sets `NIGHTSHIFT_ALERT_TOPIC_ARN` they are also published to that SNS topic.
 */
export function proofAlerter(env: Pick<RuntimeEnvironment, 'alertTopicArn' | 'region'>, logger: Logger): Alerter {
  const logged = new LoggingAlerter(logger);
  if (!env.alertTopicArn) return logged;
  return new FanOutAlerter([logged, new SnsAlerter(createSnsClient({ region: env.region }), env.alertTopicArn)]);
}
