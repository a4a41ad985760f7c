import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lambdaBundleOptions } from '../../../infra/constructs/lambda-bundle';
import { withLiteralSchemaKeys } from '../../../infra/constructs/sdk-schema-keys';

describe('withLiteralSchemaKeys', () => {
  it("writes a computed key over one of the module's string constants as that string", () => {
    // Prepare
    const source = ['const _h = "http";', 'const _e = "error";', 'export var Op$ = [9, n0, _O, { [_h]: ["PUT", "/a", 200] }, () => In$];', 'export var Err$ = [-3, n0, _E, { [_e]: _c, [_h]: 400 }, [], []];'].join('\n');
    // Act
    const rewritten = withLiteralSchemaKeys(source);
    // Assess
    expect(rewritten).toContain('{ "http": ["PUT", "/a", 200] }');
    expect(rewritten).toContain('{ "error": _c, "http": 400 }');
  });

  it('leaves a computed key over anything else, and brackets that are not keys, as they were', () => {
    // Prepare: `_x` is no top-level string constant; `[_h]` in an array is no key.
    const source = ['const _h = "http";', 'let _x = f();', 'const value = { [_x]: 1 };', 'const pair = [_h];', 'const picked = ok ? [_h]: [];'].join('\n');
    // Act
    const rewritten = withLiteralSchemaKeys(source);
    // Assess
    expect(rewritten).toBe(source);
  });
});

describe('a function bundle of an SDK client', () => {
  let directory: string;
  let bundle: string;

  beforeAll(async () => {
    // Prepare: a handler that sends one Lambda operation, bundled as every function is.
    directory = mkdtempSync(join(tmpdir(), 'nightshift-sdk-schema-keys-'));
    const { entryPoints: _entry, ...options } = lambdaBundleOptions('handler.ts', join(directory, 'index.mjs'), {});
    const contents = "import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';\nconst client = new LambdaClient({});\nexport const handler = () => client.send(new InvokeCommand({ FunctionName: 'f' }));\n";
    // Act
    await build({ ...options, stdin: { contents, resolveDir: process.cwd(), sourcefile: 'handler.ts', loader: 'ts' }, sourcemap: false, logLevel: 'error' });
    bundle = readFileSync(join(directory, 'index.mjs'), 'utf8');
  });

  afterAll(() => rmSync(directory, { recursive: true, force: true }));

  it('keeps the schema of the operation it sends and drops the ones it does not', () => {
    // Assess: Invoke's path is there; UpdateFunctionCode's (never sent) is not.
    expect(bundle).toContain('/2015-03-31/functions/{FunctionName}/invocations');
    expect(bundle).not.toContain('/2015-03-31/functions/{FunctionName}/code');
  });
});
