import { describe, expect, it } from 'vitest';
import { argumentVector, describeScript, parseManifest } from '../../../functions/jobs/script-run/manifest';
import { scriptRunParamsFor } from '../../../functions/jobs/script-run/params';
import { scriptSchedules } from '../../../functions/jobs/script-run/schedules';
import { shippedManifest } from '../../../functions/jobs/script-run/shipped-manifest';

const script = (overrides: Record<string, unknown> = {}) => ({ file: 'a.py', interpreter: 'python3', description: 'd', timeoutMs: 1000, memoryMb: 256, ...overrides });

describe('the script manifest', () => {
  it('names every problem by its path', () => {
    // Prepare
    const input = {
      scripts: {
        'Bad Name': script(),
        report: script({
          file: '../escape.py',
          interpreter: 'node',
          args: {
            top: { type: 'integer', flag: '--top', min: 5, max: 1, description: 'x' },
            quiet: { type: 'boolean', description: 'no flag' },
            when: { type: 'string', flag: '--when', maxLength: 5, default: 'much too long', description: 'x' },
          },
        }),
      },
    };

    // Act
    const error = (() => {
      try {
        parseManifest(input, '/scripts', 'test-manifest.json');
      } catch (caught) {
        return caught as Error;
      }
      throw new Error('the manifest was accepted');
    })();

    // Assess
    expect(error.message).toContain('test-manifest.json is not a valid script manifest');
    expect(error.message).toContain('scripts.Bad Name: a script name is lower kebab-case');
    expect(error.message).toContain('scripts.report.file: file must be a bare file name');
  });

  it('checks argument rules once the shapes are right', () => {
    // Act
    const attempt = () =>
      parseManifest(
        {
          scripts: {
            report: script({
              args: {
                top: { type: 'integer', flag: '--top', min: 5, max: 1, description: 'x' },
                quiet: { type: 'boolean', description: 'no flag' },
              },
            }),
            other: script({ file: 'b.mjs' }),
          },
        },
        '/scripts',
      );

    // Assess
    expect(attempt).toThrow(/scripts\.report\.args\.top\.min: min must be ≤ max/);
    expect(attempt).toThrow(/scripts\.report\.args\.quiet: a boolean argument needs a flag/);
    expect(attempt).toThrow(/scripts\.other\.interpreter: python3 does not run \.mjs files/);
  });

  it('builds argv in declaration order: flags, then -- and the positionals', () => {
    // Prepare
    const manifest = parseManifest(
      {
        scripts: {
          run: script({
            args: {
              name: { type: 'string', maxLength: 20, description: 'positional', required: true },
              verbose: { type: 'boolean', flag: '--verbose', description: 'x' },
              top: { type: 'integer', flag: '--top', min: 1, max: 9, default: 3, description: 'x' },
            },
          }),
        },
      },
      '/scripts',
    );
    const params = scriptRunParamsFor(manifest).parse({ script: 'run', args: { name: '-rf', verbose: false } });

    // Act
    const argv = argumentVector(manifest.scripts['run']!, params.args, () => 'unused');

    // Assess
    expect(argv).toEqual(['--top', '3', '--', '-rf']);
  });

  it('turns a manifest schedule into a scheduled script run', () => {
    // Prepare
    const manifest = parseManifest(
      { scripts: { nightly: script({ schedule: { expression: 'cron(0 6 * * ? *)', args: {} } }) } },
      '/scripts',
    );

    // Act
    const tasks = scriptSchedules(manifest, 'Europe/Berlin');

    // Assess
    expect(tasks).toEqual([
      expect.objectContaining({ name: 'script-nightly', type: 'script-run', timezone: 'Europe/Berlin', params: { script: 'nightly', args: {} }, enabled: true }),
    ]);
  });

  it('describes the shipped scripts with JSON Schema arguments', () => {
    // Act
    const described = describeScript('events-summary', shippedManifest.scripts['events-summary']!);

    // Assess
    expect(described.args).toMatchObject({ type: 'object', required: ['input'], properties: { metric: { type: 'string', pattern: '^[a-z][a-z0-9_]{0,62}$' } } });
    expect(described.argv).toEqual({ input: '--input', metric: '--metric', top: '--top' });
  });
});
