import type { Logger } from '../../core/jobs/logger';
import type { Alerter, ProofAlert } from '../../core/proofs/ports';

/** The local cloud's alerts: one structured log line each (an SNS topic in AWS). */
export class LoggingAlerter implements Alerter {
  constructor(private readonly log: Logger) {}

  async publish(alert: ProofAlert): Promise<void> {
    // `message` is the log line's own field: the alert's text goes under `detail`. `alert: true`
    // marks the line for whoever reads the log (the local cloud's terminal highlights it).
    const { message, ...rest } = alert;
    const line = { ...rest, detail: message, alert: true };
    if (alert.status === 'warn') this.log.warn(`ALERT ${alert.subject}`, line);
    else this.log.error(`ALERT ${alert.subject}`, line);
  }
}
