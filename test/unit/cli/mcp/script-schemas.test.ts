import { describe, expect, it } from 'vitest';
import type { ScriptDescription } from '../../../../functions/client/types';
import { runScriptInputSchema, scriptArgsCheck, scriptArgsSchema, scriptToolInputSchema, scriptToolName } from '../../../../cli/mcp/script-schemas';
import type { ToolInputSchema } from '../../../../cli/mcp/tool';
import { eventsSummary, statsReport } from '../../../helpers/mcp-session';

const CONTROLS = ['timeoutMs', 'wait', 'waitSeconds'];
const envelope: ToolInputSchema = {
  type: 'object',
  properties: {
    script: { type: 'string', description: 'which' },
    args: { type: 'object', description: 'any' },
    timeoutMs: { type: 'integer', description: 'limit' },
    wait: { type: 'boolean', default: false, description: 'follow' },
    waitSeconds: { type: 'integer', default: 45, description: 'bound' },
  },
  required: ['script'],
  additionalProperties: false,
};

function script(overrides: Partial<ScriptDescription>): ScriptDescription {
  return { ...eventsSummary, ...overrides };
}

describe('run_script input schema', () => {
  it('offers the script names as an enum and each script\'s argument schema under args.anyOf, titled with its name', () => {
    // Act
    const schema = runScriptInputSchema(envelope, [eventsSummary, statsReport]);

    // Assess
    const properties = schema.properties as Record<string, Record<string, unknown>>;
    expect(properties['script']).toMatchObject({ type: 'string', enum: ['events-summary', 'stats-report'] });
    expect(properties['script']!['description']).toContain('events-summary — Summarises one raw event object.');
    const args = properties['args']!;
    expect(args['type']).toBe('object');
    expect(args['anyOf']).toEqual([
      { ...withoutDialect(eventsSummary), title: 'events-summary', description: 'Arguments of events-summary: Summarises one raw event object.' },
      { ...withoutDialect(statsReport), title: 'stats-report', description: 'Arguments of stats-report: Reads a stats export and writes report.md and report.json.' },
    ]);
    // In words too, for clients that show descriptions but not nested schemas.
    expect(args['description']).toContain('events-summary: input (string, required): Key of the event object in the artifacts bucket; metric (string): Only this metric (default: all); top (integer, default 5)');
    expect(args['description']).toContain('stats-report: input (string, required)');
    // The run controls and the rest of the envelope are untouched.
    expect(properties['wait']).toEqual(envelope.properties!['wait']);
    expect(schema.required).toEqual(['script']);
    expect(schema['additionalProperties']).toBe(false);
    expect(JSON.stringify(schema)).not.toContain('$schema');
  });

  it('stays the plain envelope when the whitelist could not be read', () => {
    // Act & Assess
    expect(runScriptInputSchema(envelope, undefined)).toEqual(envelope);
    expect(runScriptInputSchema(envelope, [])).toEqual(envelope);
  });

  it('keeps a script argument schema as the API gave it, minus $schema', () => {
    // Act
    const schema = scriptArgsSchema(eventsSummary);

    // Assess
    expect(schema).not.toHaveProperty('$schema');
    expect(schema['properties']).toBe(eventsSummary.args.properties);
    expect(schema['required']).toEqual(['input']);
  });
});

describe('one tool per script', () => {
  it('puts the script\'s arguments and the run controls side by side, requiring what the script requires', () => {
    // Act
    const schema = scriptToolInputSchema(eventsSummary, envelope, CONTROLS);

    // Assess
    expect(Object.keys(schema.properties ?? {})).toEqual(['input', 'metric', 'top', 'timeoutMs', 'wait', 'waitSeconds']);
    expect(schema.properties!['top']).toEqual(eventsSummary.args.properties!['top']);
    expect(schema.required).toEqual(['input']);
    expect(schema['additionalProperties']).toBe(false);
    expect(schema).not.toHaveProperty('$schema');
  });

  it('is named run_script_<name>, unless the name is too long for clients or an argument is named like a run control', () => {
    // Act & Assess
    expect(scriptToolName(eventsSummary, CONTROLS)).toBe('run_script_events-summary');
    expect(scriptToolName(script({ name: `a${'b'.repeat(52)}` }), CONTROLS)).toBe(`run_script_a${'b'.repeat(52)}`);
    expect(scriptToolName(script({ name: `a${'b'.repeat(53)}` }), CONTROLS)).toBeUndefined();
    expect(scriptToolName(script({ args: { type: 'object', properties: { wait: { type: 'boolean' } } } }), CONTROLS)).toBeUndefined();
  });
});

describe('checking script arguments before a run', () => {
  const check = scriptArgsCheck(eventsSummary, 'args');

  it('passes arguments the schema allows', () => {
    // Act & Assess
    expect(check({ input: 'events/dt=2026-11-22/hour=10/a.ndjson.gz' })).toEqual({ ok: true });
    expect(check({ input: 'scripts/01K/output/groups.csv', metric: 'revenue', top: 3 })).toEqual({ ok: true });
  });

  it.each([
    [{ input: 'events/a', top: 99 }, 'args.top: Too big: expected number to be <=50'],
    [{ input: 'events/a', top: 2.5 }, 'args.top: Invalid input: expected int, received number'],
    [{}, 'args.input: Invalid input: expected string, received undefined'],
    [{ input: '../etc/passwd' }, 'args.input: Invalid string: must match pattern'],
    [{ input: 'events/a', metric: 'Revenue!' }, 'args.metric: Invalid string: must match pattern'],
    [{ input: 'events/a', topp: 3 }, 'args: unknown argument "topp" (known: input, metric, top)'],
  ])('names the argument and the rule: %j', (args, problem) => {
    // Act
    const result = check(args);

    // Assess
    expect(result.ok).toBe(false);
    expect(result.ok ? [] : result.problems.join('; ')).toContain(problem);
  });

  it('leaves a schema it cannot read to the API, and says so', () => {
    // Prepare
    const notes: string[] = [];
    const odd = script({ name: 'odd', args: { type: 'object', properties: { x: { $ref: '#/definitions/missing' } as never } } });

    // Act
    const result = scriptArgsCheck(odd, 'args', (note) => notes.push(note))({ x: 1 });

    // Assess
    expect(result).toEqual({ ok: true });
    expect(notes).toEqual([expect.stringContaining('the argument schema of odd cannot be read here')]);
  });
});

function withoutDialect(description: ScriptDescription): Record<string, unknown> {
  const { $schema: _dialect, ...rest } = description.args;
  return rest;
}
