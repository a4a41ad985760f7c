import { createSqsClient } from '../../adapters/aws-clients';
import { SqsScheduleDeadLetterQueue } from '../../adapters/sqs/schedule-dead-letter-queue';
import { noScheduleDeadLetterQueue } from '../../core/jobs/slots/dead-letters';
import type { AwsAdapters } from './aws-adapters';

/** The schedules' dead-letter queue where the stack names one; none locally (the scheduler records its own). */
export const sqsScheduleDlq: Required<AwsAdapters>['scheduleDlq'] = (env) =>
  env.scheduleDlqUrl ? new SqsScheduleDeadLetterQueue(createSqsClient({ region: env.region }), env.scheduleDlqUrl) : noScheduleDeadLetterQueue;
