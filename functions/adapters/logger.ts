import { Logger as PowertoolsLogger } from '@aws-lambda-powertools/logger';
import { silentLogger, type Logger } from '../core/jobs/logger';
import { prettyLogger, type PrettyLevel } from './pretty-logger';

/**
 * Where log lines go and how they look: Powertools' structured JSON (Lambda, and the local cloud
 * with `--log-format json`; its level is Powertools' own POWERTOOLS_LOG_LEVEL / LOG_LEVEL), or
 * readable lines for the local cloud's terminal.
 */
export type LogOutput = { format: 'json' } | { format: 'pretty'; level: PrettyLevel | 'silent'; color: boolean };

/** A logger for `output`; `child` adds persistent keys (jobId, type). */
export function createLogger(output: LogOutput = { format: 'json' }, serviceName = 'nightshift'): Logger {
  if (output.format === 'pretty') {
    if (output.level === 'silent') return silentLogger;
    return prettyLogger({ level: output.level, write: (text) => process.stdout.write(text), color: output.color });
  }
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
