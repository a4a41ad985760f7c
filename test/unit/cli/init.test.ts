import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scheduledTasks } from '../../../functions/catalog';
import { CONFIG_FILE_NAME, starterConfig } from '../../../cli/commands/init';
import { loadConfigFile } from '../../../infra/config/load-config';
import { runCli } from '../../helpers/fake-api';

describe('nightshift init', () => {
  let dir: string;

  beforeAll(async () => {
    // Outside the repository: the config must load with no node_modules beside it.
    dir = await mkdtemp(join(tmpdir(), 'nightshift-init-'));
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('writes a commented config that the loader accepts from outside the repository', async () => {
    // Prepare
    const target = join(dir, 'my-analytics');

    // Act
    const result = await runCli(['init', target]);
    const config = await loadConfigFile(join(target, CONFIG_FILE_NAME), '/');

    // Assess
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`wrote ${join(target, CONFIG_FILE_NAME)}`);
    expect(result.stdout).toContain(`npm start -- --config ${join(target, CONFIG_FILE_NAME)} --data-dir ${join(target, '.nightshift')}`);
    expect(Object.keys(config.metrics)).toEqual(['orders', 'visits']);
    expect(Object.keys(config.ratios)).toEqual(['conversion_rate']);
    expect(Object.keys(config.snapshots.metrics)).toEqual(['orders', 'conversion_rate']);
    expect(config.checks.map((check) => check.kind)).toEqual(['range', 'completeness']);
    expect(scheduledTasks(config).map((task) => [task.name, task.type, task.period])).toEqual([['snapshot-daily', 'snapshot', 'previous-day']]);
    expect(await readFile(join(target, CONFIG_FILE_NAME), 'utf8')).toContain("import { defineConfig } from 'nightshift/config';");
  });

  it('leaves an existing config alone unless told --force', async () => {
    // Prepare
    const target = join(dir, 'existing');
    await runCli(['init', target]);
    await writeFile(join(target, CONFIG_FILE_NAME), '// mine\n');

    // Act
    const refused = await runCli(['init', target]);
    const kept = await readFile(join(target, CONFIG_FILE_NAME), 'utf8');
    const forced = await runCli(['init', target, '--force']);

    // Assess
    expect(refused.code).toBe(1);
    expect(refused.stderr).toBe(`nightshift init: ${join(target, CONFIG_FILE_NAME)} already exists; --force replaces it\n`);
    expect(kept).toBe('// mine\n');
    expect(forced.code).toBe(0);
    expect(await readFile(join(target, CONFIG_FILE_NAME), 'utf8')).toContain('defineConfig');
  });

  it('writes the time zone it is given', async () => {
    // Prepare
    const file = join(dir, 'kolkata.config.ts');
    await writeFile(file, starterConfig('Asia/Kolkata'));

    // Act
    const config = await loadConfigFile(file, '/');

    // Assess
    expect(config.timezone).toBe('Asia/Kolkata');
  });
});
