import { afterEach, describe, expect, it, vi } from 'vitest';
import { createLogger } from '../../../functions/adapters/logger';
import { readEnvironment } from '../../../functions/adapters/environment';
import { MINIMAL_RUNTIME_VARIABLES } from '../../helpers/environment';
import { LoggingAlerter } from '../../../functions/adapters/alerts/logging-alerter';
import { errorFields } from '../../../functions/core/errors';
import { StorageUnavailableError } from '../../../functions/core/storage/errors';

/** What the logger writes to stdout while `work` runs. */
function stdoutOf(work: () => void): string {
  let written = '';
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    written += String(chunk);
    return true;
  });
  try {
    work();
  } finally {
    spy.mockRestore();
  }
  return written;
}

describe('createLogger', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it('writes JSON lines with the error text under "error", and no reserved-key warning', () => {
    // Prepare: Powertools reads its level when the logger is made; in dev mode it writes through
    // the global console (one call per line), which the test can watch.
    vi.stubEnv('POWERTOOLS_LOG_LEVEL', 'INFO');
    vi.stubEnv('POWERTOOLS_DEV', 'true');
    const lines: string[] = [];
    const spies = (['log', 'info', 'warn', 'error'] as const).map((method) => vi.spyOn(console, method).mockImplementation((text: unknown) => void lines.push(String(text))));
    const error = new StorageUnavailableError('writing stats', { cause: new Error('socket hang up') });

    // Act
    try {
      createLogger({ format: 'json' }, 'test').child({ jobId: 'J1', type: 'rollup' }).error('run failed', { ...errorFields(error), status: 'failed' });
    } finally {
      for (const spy of spies) spy.mockRestore();
    }

    // Assess
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0] ?? '')).toMatchObject({ level: 'ERROR', message: 'run failed', code: 'storage_unavailable', error: error.message, status: 'failed', jobId: 'J1' });
    expect(lines.join('\n')).not.toContain('reserved key');
  });

  it('refuses a "message" field at compile time', () => {
    const logger = createLogger({ format: 'pretty', level: 'silent', color: false });
    // @ts-expect-error `message` is the line's own field: Powertools would drop this one.
    logger.info('x', { message: 'lost' });
  });

  it('writes one readable line per call in pretty format, from its level up', () => {
    // Prepare
    const pretty = createLogger({ format: 'pretty', level: 'warn', color: false });
    const chatty = createLogger({ format: 'pretty', level: 'info', color: false });

    // Act
    const quiet = stdoutOf(() => {
      pretty.info('run started');
      pretty.child({ type: 'rollup', jobId: 'J1' }).warn('lease release failed', { code: 'storage_unavailable', error: 'storage is unavailable', attempt: 2 });
    });
    const verbose = stdoutOf(() => chatty.info('run started', { trigger: 'api' }));

    // Assess
    expect(quiet).toBe('warn   lease release failed  storage_unavailable: storage is unavailable  [rollup J1]  attempt=2\n');
    expect(verbose).toBe('info   run started  trigger=api\n');
  });

  it('highlights an alert and prints its detail under it', async () => {
    // Prepare
    const alerter = new LoggingAlerter(createLogger({ format: 'pretty', level: 'warn', color: false }));
    const alert = { date: '2026-11-28', status: 'critical' as const, exitCode: 2 as const, subject: 'Sampling proof 2026-11-28: critical (2 critical, 0 warn)', message: 'critical trend:sessions: 40% below\ncritical completeness:sessions: 15 of 24 hours', jobId: 'J2' };

    // Act
    let output = '';
    const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      output += String(chunk);
      return true;
    });
    await alerter.publish(alert).finally(() => spy.mockRestore());

    // Assess
    expect(output).toBe(
      'ALERT  Sampling proof 2026-11-28: critical (2 critical, 0 warn)  [J2]\n       critical trend:sessions: 40% below\n       critical completeness:sessions: 15 of 24 hours\n',
    );
  });

  it('takes the pretty format from NIGHTSHIFT_LOG_FORMAT, from WARN unless Powertools\' LOG_LEVEL says otherwise', () => {
    // Act
    const plain = readEnvironment(MINIMAL_RUNTIME_VARIABLES).logOutput;
    const pretty = readEnvironment({ ...MINIMAL_RUNTIME_VARIABLES, NIGHTSHIFT_LOG_FORMAT: 'pretty' }).logOutput;
    const chatty = readEnvironment({ ...MINIMAL_RUNTIME_VARIABLES, NIGHTSHIFT_LOG_FORMAT: 'pretty', NIGHTSHIFT_LOG_COLOR: 'true', LOG_LEVEL: 'INFO' }).logOutput;
    const bad = () => readEnvironment({ ...MINIMAL_RUNTIME_VARIABLES, NIGHTSHIFT_LOG_FORMAT: 'fancy' });

    // Assess
    expect([plain, pretty, chatty]).toEqual([{ format: 'json' }, { format: 'pretty', level: 'warn', color: false }, { format: 'pretty', level: 'info', color: true }]);
    expect(bad).toThrow('NIGHTSHIFT_LOG_FORMAT: must be "json" or "pretty"');
  });
});
