import type { Logger } from '../../core/jobs/logger';
import type { Alerter } from '../../core/proofs/ports';
import type { RuntimeEnvironment } from '../environment';
import { LoggingAlerter } from './logging-alerter';

/**
 * The runtime's alerter. Alerts are always logged (the local cloud's only channel). Publishing
 * to the SNS topic (`NIGHTSHIFT_ALERT_TOPIC_ARN`, set by the stateless stack) needs
 * `@aws-sdk/client-sns`, which this build does not ship yet: until it does, a deployed function
 * logs its alerts with the topic named, so a metric filter or the next build can route them.
 */
export function proofAlerter(env: Pick<RuntimeEnvironment, 'alertTopicArn'>, logger: Logger): Alerter {
  return new LoggingAlerter(env.alertTopicArn ? logger.child({ alertTopicArn: env.alertTopicArn }) : logger);
}
