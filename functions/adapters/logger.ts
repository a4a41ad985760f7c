import { Logger as PowertoolsLogger } from '@aws-lambda-powertools/logger';
import type { Logger } from '../core/jobs/logger';

/** Structured JSON lines through Powertools Logger; `child` adds persistent keys (jobId, type). */
export function createLogger(serviceName = 'nightshift'): Logger {
  return wrap(new PowertoolsLogger({ serviceName }));
}

function wrap(logger: PowertoolsLogger): Logger {
  return {
    debug: (message, extra) => logger.debug(message, extra ?? {}),
    info: (message, extra) => logger.info(message, extra ?? {}),
    warn: (message, extra) => logger.warn(message, extra ?? {}),
    error: (message, extra) => logger.error(message, extra ?? {}),
    child: (keys) => wrap(logger.createChild({ persistentKeys: keys })),
  };
}
