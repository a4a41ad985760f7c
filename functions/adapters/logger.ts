import { Logger as PowertoolsLogger } from '@aws-lambda-powertools/logger';
import { silentLogger, type Logger } from '../core/jobs/logger';
import { levelFromEnvironment, prettyLogger } from './pretty-logger';

/**
 * Structured JSON lines through Powertools Logger; `child` adds persistent keys (jobId, type).
 * With `NIGHTSHIFT_LOG_FORMAT=pretty` (the local cloud's terminal) they are readable lines
 * instead, from warnings up unless `POWERTOOLS_LOG_LEVEL`/`LOG_LEVEL` says otherwise. The level
 * variables are Powertools' own, read when the logger is made, as Powertools reads them.
 */
export function createLogger(serviceName = 'nightshift', env: Readonly<Record<string, string | undefined>> = process.env): Logger {
  if (env['NIGHTSHIFT_LOG_FORMAT'] === 'pretty') {
    const level = levelFromEnvironment(env);
    if (level === 'silent') return silentLogger;
    return prettyLogger({ level: level ?? 'warn', write: (text) => process.stdout.write(text), color: process.stdout.isTTY && !env['NO_COLOR'] });
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
