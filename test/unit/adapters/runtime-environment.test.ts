import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readEnvironment } from '../../../functions/adapters/environment';
import { InvalidEnvironmentError } from '../../../functions/adapters/environment-error';
import { buildRuntime } from '../../../functions/runtime/runtime';
import { everyAwsAdapter } from '../../../functions/runtime/wiring/every-adapter';
import { shippedManifest } from '../../../functions/jobs/script-run/shipped-manifest';
import { MINIMAL_RUNTIME_VARIABLES } from '../../helpers/environment';
import { RecordingInvoker } from '../../helpers/jobs';

describe("the runtime's environment", () => {
  it('reads the console and script directories and PATH once, through the parser', () => {
    // Act
    const env = readEnvironment({ ...MINIMAL_RUNTIME_VARIABLES, NIGHTSHIFT_CONSOLE_DIR: '/srv/console', NIGHTSHIFT_SCRIPTS_DIR: 'scripts-here', PATH: '/opt/python/bin:/usr/bin' });

    // Assess
    expect(env.consoleDirectory).toBe('/srv/console');
    expect(env.scriptsDirectory).toBe(resolve('scripts-here'));
    expect(env.searchPath).toBe('/opt/python/bin:/usr/bin');
  });

  it('leaves out what is unset or empty, and gives scripts a plain PATH when the function has none', () => {
    // Act
    const env = readEnvironment({ ...MINIMAL_RUNTIME_VARIABLES, NIGHTSHIFT_CONSOLE_DIR: '', NIGHTSHIFT_ADMIN_TOKEN: '', NIGHTSHIFT_READ_TOKEN: 'r' });

    // Assess
    expect(env.consoleDirectory).toBeUndefined();
    expect(env.scriptsDirectory).toBeUndefined();
    expect(env.apiTokens).toEqual({ read: 'r' });
    expect(env.searchPath).toBe('/usr/local/bin:/usr/bin:/bin');
  });
});

describe('buildRuntime', () => {
  it('hands the script runner the directory and PATH of its environment, else the shipped layout', () => {
    // Prepare
    const invoker = new RecordingInvoker();

    // Act
    const configured = buildRuntime(readEnvironment({ ...MINIMAL_RUNTIME_VARIABLES, NIGHTSHIFT_SCRIPTS_DIR: '/opt/scripts', PATH: '/opt/bin' }), { adapters: everyAwsAdapter, invoker });
    const plain = buildRuntime(readEnvironment(MINIMAL_RUNTIME_VARIABLES), { adapters: everyAwsAdapter, invoker });

    // Assess
    expect(configured.services.scripts).toEqual({ directory: '/opt/scripts', searchPath: '/opt/bin' });
    expect(plain.services.scripts.directory).toBe(shippedManifest.directory);
    expect(configured.deps.invoker).toBe(invoker);
  });

  it('refuses the in-process invoker when nobody handed it one, naming the variable', () => {
    // Act
    const building = () => buildRuntime(readEnvironment(MINIMAL_RUNTIME_VARIABLES), { adapters: everyAwsAdapter });

    // Assess
    expect(building).toThrow(InvalidEnvironmentError);
    expect(building).toThrow(/NIGHTSHIFT_INVOKER=in-process/);
  });
});
