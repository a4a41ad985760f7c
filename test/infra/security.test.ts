import { execFileSync } from 'node:child_process';
import { isBuiltin } from 'node:module';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { App, Stack, Validations } from 'aws-cdk-lib';
import { Bucket } from 'aws-cdk-lib/aws-s3';
import { AwsSolutionsChecks } from 'cdk-nag';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiFunction, authorizerFunction, jobCatalog } from '../../functions/catalog';
import { parseConfig } from '../../functions/core/config';
import { buildApp, type NightshiftApp } from '../../infra/app';
import { lazyCredentialProviders } from '../../infra/constructs/lambda-bundle';
import { compileHolidayTable } from '../../infra/calendar/compile-holidays';
import { addNagChecks } from '../../infra/nag';

type Json = Record<string, unknown>;
type Resource = { Type: string; Properties: Json };
type Statement = { Effect: string; Action: string | string[]; Resource: unknown; Condition?: unknown };

const functionName = (name: string) => `Nightshift-Stateless-${name}`;
const zipFunctions = [...jobCatalog.map((entry) => entry.type).filter((type) => type !== 'script-run'), apiFunction.name, authorizerFunction.name];
const allFunctions = [...jobCatalog.map((entry) => entry.type), apiFunction.name, authorizerFunction.name];

/**
 * Actions that may have `Resource: "*"`, each because AWS offers no resource-level permission
 * for it. None is granted today (metrics go out as EMF log lines, tracing is off); the list is
 * where such a grant must be justified before the test lets it through.
 */
const wildcardResourceAllowList: Readonly<Record<string, string>> = {
  'xray:PutTraceSegments': 'X-Ray has no resource-level permissions',
  'xray:PutTelemetryRecords': 'X-Ray has no resource-level permissions',
  'cloudwatch:PutMetricData': 'no resource-level permissions; scope it with a cloudwatch:namespace condition',
};

/**
 * Budgets for the minified `index.mjs` of each zip function, about 2% above what they measured on
 * 2026-12-03 after every Lambda-side schema moved to zod/mini and each function stopped carrying
 * every job type's run (declarations in `<type>-job.ts`, work in `<type>-run.ts`, only a
 * function's own run in its bundle: test/unit/bundling/job-bundles.test.ts), measured with this
 * file's config (`npm run bench -- init` prints the sizes and where they come from): rollup 728 KB,
 * API 756 KB, sampling-proof 676 KB without its US holiday table, export 638 KB, snapshot 627 KB,
 * sweeper 553 KB, authorizer 221 KB. Each bundles only the SDK clients its access declares
 * (functions/runtime/wiring/) and only the operations it sends; the SDK is ~290–430 KB of each, zod
 * ~40 KB (64 KB in the API, whose OpenAPI document needs zod's JSON Schema; 20 KB in the
 * authorizer), luxon 71 KB, Powertools 32 KB, our code 110–180 KB (its own job's run only; none in
 * the API: the local cloud and the tests hand its test-only trigger the rollup). A named `import
 * { z }` (+355 KB), date-holidays (+1 MB), a client the function never calls (S3 +50 KB, Lambda +40
 * KB), the SDK's unshaken schemas (+40–100 KB), zod's classic build (+60 KB) or every job's run in
 * every function again (+40–90 KB) fails here first.
 */
const bundleBudgetBytes: Readonly<Record<string, number>> = {
  // The rollup also publishes the hourly watch's alerts (SNS client).
  rollup: 743_000,
  snapshot: 640_000,
  export: 651_000,
  // Plus the configured region's holiday table (below): the holiday data is its only growth.
  'sampling-proof': 690_000,
  // The sweeper drains the schedules' dead-letter queue (SQS client).
  sweeper: 564_000,
  [apiFunction.name]: 771_000,
  [authorizerFunction.name]: 226_000,
};

const config = parseConfig({
  timezone: 'America/Los_Angeles',
  // A region: its holiday table is compiled into the sampling proof (and counts in its budget).
  calendar: { region: 'US' },
  // Berlin only in a schedule: the bundle test finds the config compiled into the code by it.
  schedules: { sweeper: { job: 'sweeper', expression: 'rate(5 minutes)' }, nightly: { job: 'sampling-proof', expression: 'cron(0 4 * * ? *)', timezone: 'Europe/Berlin', period: 'previous-day' } },
});

let outdir: string;
let built: NightshiftApp;
let stateless: { Resources: Record<string, Resource>; Outputs: Record<string, { Value: unknown }> };

// Bundling every function and the console takes minutes on a loaded 2-core machine.
beforeAll(() => {
  // Prepare: the assembly and every bundle go to a temp dir this file owns.
  outdir = mkdtempSync(join(tmpdir(), 'nightshift-security-test-'));
  built = buildApp({ config, outdir, deployedAt: '2026-11-22T10:00:00.000Z' });
  // Act: one synth, with cdk-nag as a validation plugin (it throws on an unacknowledged finding).
  const assembly = built.app.synth();
  stateless = assembly.getStackByName('Nightshift-Stateless').template as typeof stateless;
}, 300_000);

afterAll(() => {
  rmSync(outdir, { recursive: true, force: true });
});

describe('least privilege', () => {
  it('grants no function a "*" resource except the allow-listed actions', () => {
    // Act
    const offending = allFunctions.flatMap((name) =>
      roleStatements(name)
        .filter((statement) => [statement.Resource].flat().includes('*'))
        .flatMap((statement) => [statement.Action].flat().filter((action) => !(action in wildcardResourceAllowList)).map((action) => `${name}: ${action}`)),
    );
    // Assess
    expect(offending).toEqual([]);
  });

  it('gives no function role a managed policy (its log permissions would cover every log group)', () => {
    // Assess
    for (const name of allFunctions) expect(roleOf(name).Properties['ManagedPolicyArns'], name).toBeUndefined();
  });

  it('lets each function write logs to its own log group only', () => {
    for (const name of allFunctions) {
      // Prepare
      const logGroupId = ((functionNamed(name).Properties['LoggingConfig'] as Json)['LogGroup'] as { Ref: string }).Ref;
      // Act
      const logStatements = roleStatements(name).filter((statement) => actionsOf(statement).some((action) => action.startsWith('logs:')));
      // Assess
      expect(logStatements.map((statement) => statement.Resource), name).toEqual([{ 'Fn::GetAtt': [logGroupId, 'Arn'] }]);
    }
  });

  it('writes artifacts only under the prefixes each job produces', () => {
    // Act
    const written = Object.fromEntries(allFunctions.map((name) => [name, bucketPrefixes(name, 's3:PutObject')]));
    // Assess
    expect(written).toEqual({
      rollup: ['rollup/'],
      snapshot: ['quarantine/', 'rollup/', 'snapshots/'],
      sweeper: [],
      'script-run': ['scripts/'],
      export: ['exports/', 'quarantine/', 'rollup/'],
      'sampling-proof': ['rollup/', 'sampling-proofs/'],
      // Ingest, and the release of a held export or snapshot to its normal key.
      api: ['events/', 'exports/', 'snapshots/'],
      authorizer: [],
    });
  });

  it('reads artifacts only under the prefixes each function opens or presigns', () => {
    // Act
    const read = Object.fromEntries(allFunctions.map((name) => [name, bucketPrefixes(name, 's3:GetObject')]));
    // Assess
    expect(read).toEqual({
      rollup: ['events/', 'rollup/'],
      snapshot: ['events/', 'rollup/'],
      sweeper: [],
      'script-run': ['events/', 'exports/', 'scripts/', 'snapshots/'],
      export: ['events/', 'rollup/'],
      'sampling-proof': ['events/', 'rollup/'],
      api: ['exports/', 'quarantine/', 'runs/', 'sampling-proofs/', 'scripts/', 'snapshots/'],
      authorizer: [],
    });
    // No function deletes artifacts: lifecycle rules do.
    for (const name of allFunctions) expect(roleStatements(name).flatMap(actionsOf).filter((action) => action.startsWith('s3:Delete')), name).toEqual([]);
  });

  it('writes Analytics only from the rollup and the jobs that run it inline; the API and sweeper write Jobs', () => {
    // Act
    const access = Object.fromEntries(allFunctions.map((name) => [name, { jobs: tableAccess(name, 'Jobs'), analytics: tableAccess(name, 'Analytics') }]));
    // Assess
    expect(access).toEqual({
      rollup: { jobs: 'RW', analytics: 'RW' },
      snapshot: { jobs: 'RW', analytics: 'RW' },
      sweeper: { jobs: 'RW', analytics: 'none' },
      'script-run': { jobs: 'RW', analytics: 'none' },
      export: { jobs: 'RW', analytics: 'RW' },
      'sampling-proof': { jobs: 'RW', analytics: 'RW' },
      api: { jobs: 'RW', analytics: 'R' },
      authorizer: { jobs: 'none', analytics: 'none' },
    });
  });

  it('lets the API write only the written-hour marks, annotations and released snapshot items in Analytics (dynamodb:LeadingKeys), and nothing else there', () => {
    // Act
    const conditional = roleStatements('api').filter((statement) => statement.Condition !== undefined);
    // Assess
    expect(conditional).toHaveLength(1);
    expect(actionsOf(conditional[0]!).sort()).toEqual(['dynamodb:BatchWriteItem', 'dynamodb:PutItem']);
    expect(JSON.stringify(conditional[0]!.Resource)).toMatch(/OutputName":"[^"]*Analytics[^"]*Arn/);
    expect(conditional[0]!.Condition).toEqual({ 'ForAllValues:StringEquals': { 'dynamodb:LeadingKeys': ['rollup#written', 'annotation', 'snapshot#daily', 'snapshot#weekly', 'snapshot#monthly'] } });
    expect(allFunctions.filter((name) => roleStatements(name).some((statement) => statement.Condition !== undefined))).toEqual(['api']);
  });

  it('names the Jobs indexes instead of granting index/*', () => {
    // Act
    const indexResources = roleStatements('api')
      .flatMap((statement) => [statement.Resource].flat())
      .map((resource) => JSON.stringify(resource))
      .filter((resource) => resource.includes('/index/'));
    // Assess
    expect(indexResources.map((resource) => /\/index\/([^"]+)"/.exec(resource)?.[1]).sort()).toEqual(['byStatus', 'byType']);
  });

  it('grants only Query on the indexes and nothing the adapters never call (found by the deploy rehearsal)', () => {
    for (const name of allFunctions) {
      // Act
      const statements = roleStatements(name).filter((statement) => actionsOf(statement).some((action) => action.startsWith('dynamodb:')));
      const onIndexes = statements.filter((statement) => JSON.stringify(statement.Resource).includes('/index/'));
      // Assess: an index answers Query only; DescribeTable is in no adapter.
      for (const statement of onIndexes) expect(actionsOf(statement), name).toEqual(['dynamodb:Query']);
      expect(statements.flatMap(actionsOf), name).not.toContain('dynamodb:DescribeTable');
    }
  });

  it('lets only the proof and the rollup (its hourly watch) publish alerts, only the authorizer read tokens, only the sweeper drain the schedules\' dead letters, and the rollup invoke only itself', () => {
    // Act
    const holders = (action: string) => allFunctions.filter((name) => roleStatements(name).some((statement) => actionsOf(statement).includes(action)));
    const invoked = (name: string) =>
      roleStatements(name)
        .filter((statement) => actionsOf(statement).includes('lambda:InvokeFunction'))
        .flatMap((statement) => [statement.Resource].flat().map((resource) => JSON.stringify(resource).match(/function:([\w-]+)/)?.[1]));
    // Assess
    expect(holders('sns:Publish').sort()).toEqual(['rollup', 'sampling-proof']);
    expect(holders('secretsmanager:GetSecretValue')).toEqual(['authorizer']);
    expect(holders('sqs:SendMessage').sort()).toEqual(['api', 'rollup']);
    // The rollup's is its event source mapping's, on the delay queue.
    expect(holders('sqs:ReceiveMessage').sort()).toEqual(['rollup', 'sweeper']);
    const drain = roleStatements('sweeper').filter((statement) => actionsOf(statement).some((action) => action.startsWith('sqs:')));
    expect(drain.map((statement) => [actionsOf(statement).sort(), JSON.stringify(statement.Resource)])).toEqual([[['sqs:DeleteMessage', 'sqs:ReceiveMessage'], expect.stringMatching(/ScheduleDlq/)]]);
    expect(holders('lambda:InvokeFunction').sort()).toEqual(['api', 'rollup', 'sweeper']);
    expect(invoked('rollup')).toEqual([functionName('rollup')]);
    // No KMS grant rides along with the topic: the AWS managed SNS key's policy covers publishers.
    expect(holders('kms:GenerateDataKey*')).toEqual([]);
  });
});

describe('cdk-nag AwsSolutions', () => {
  it('finds nothing unacknowledged after synth', () => {
    // Act: synth already ran the pack as a validation plugin; run it once more on the tree.
    const report = new AwsSolutionsChecks().validateScope(built.app);
    // Assess
    expect(report.violations.map((violation) => `${violation.ruleName} at ${violation.violatingResources.map((r) => r.constructPath).join(', ')}`)).toEqual([]);
  });

  it('gives every acknowledgement a written reason', () => {
    // Act
    const acknowledgements = built.app.node
      .findAll()
      .flatMap((construct) => construct.node.metadata.filter((entry) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY))
      .flatMap((entry) => Object.entries(entry.data as Record<string, string>));
    const rules = new Set(acknowledgements.map(([id]) => id.replace(/^Annotation::/, '').replace(/\[.*$/, '')));
    // Assess
    expect([...rules].sort()).toEqual(['AwsSolutions-APIG4', 'AwsSolutions-IAM5', 'AwsSolutions-L1', 'AwsSolutions-S1', 'AwsSolutions-SMG4', 'AwsSolutions-SQS3']);
    for (const [id, reason] of acknowledgements) expect(reason.length, id).toBeGreaterThan(40);
    // IAM5 is acknowledged only for artifact key prefixes, never for an action or a whole bucket.
    for (const [id] of acknowledgements.filter(([id]) => id.includes('IAM5'))) expect(id).toMatch(/\}\/[a-z-]+\/\*\]$/);
  });

  it('fails the synth of an app with an unacknowledged finding', () => {
    // Prepare: a bucket without TLS enforcement or access logs, and nothing acknowledged.
    const app = new App({ outdir: mkdtempSync(join(tmpdir(), 'nightshift-nag-negative-')) });
    new Bucket(new Stack(app, 'Unacknowledged'), 'Plain');
    addNagChecks(app);
    // Act + Assess
    expect(() => app.synth()).toThrow(/AwsSolutions-S1'/);
  });
});

describe('JobFunction bundles', () => {
  it.each(zipFunctions)('bundles %s for Node 22 on arm64 with a source map, the SDK inside', (name) => {
    // Prepare
    const fn = functionNamed(name);
    const directory = assetDirectory(fn);
    // Act
    const bundle = readFileSync(join(directory, 'index.mjs'), 'utf8');
    // Assess
    expect(fn.Properties['Runtime']).toBe('nodejs22.x');
    expect(fn.Properties['Architectures']).toEqual(['arm64']);
    expect(((fn.Properties['Environment'] as { Variables: Json }).Variables)['NODE_OPTIONS']).toBe('--enable-source-maps');
    expect(existsSync(join(directory, 'index.mjs.map'))).toBe(true);
    expect(bundle).toMatch(/\/\/# sourceMappingURL=index\.mjs\.map\s*$/);
    // Bundled, not imported from the runtime's copy: the only packages left out are the SDK's
    // lazily imported credential providers, which Lambda's environment keys make unreachable.
    expect(bundle).not.toMatch(/from\s*["']@aws-sdk\//);
    const packagesLeftOut = moduleSpecifiers(bundle).filter((specifier) => !isBuiltin(specifier));
    expect(packagesLeftOut.filter((specifier) => !lazyCredentialProviders.includes(specifier))).toEqual([]);
  });

  it.each(zipFunctions)('bundles %s to an ESM module that loads under plain Node, the config compiled in', (name) => {
    // Prepare
    const bundle = join(assetDirectory(functionNamed(name)), 'index.mjs');
    // Act
    const source = readFileSync(bundle, 'utf8');
    const exported = execFileSync(process.execPath, ['--input-type=module', '-e', `const m = await import(${JSON.stringify(pathToFileURL(bundle).href)}); console.log(typeof m.handler);`], { encoding: 'utf8' });
    // Assess
    expect(source.startsWith('import { createRequire')).toBe(true);
    expect(source).not.toContain('process.env.NIGHTSHIFT_CONFIG_JSON');
    if (name !== authorizerFunction.name) expect(source).toContain('Europe/Berlin');
    expect(exported.trim()).toBe('function');
  });

  it("bundles zod's tree-shakable build (zod/mini) into every function, never the classic one", () => {
    // Act
    const sources = zipFunctions.map((name) => [name, readFileSync(join(assetDirectory(functionNamed(name)), 'index.mjs'), 'utf8')] as const);
    // Assess: the constructor names survive minification; the classic build's own ~60 KB start at its ZodType.
    for (const [name, source] of sources) {
      expect(source, name).toContain('"ZodMiniType"');
      expect(source, name).not.toContain('"ZodType"');
    }
  });

  it("compiles the region's holiday table into the sampling proof only, and date-holidays into no function", () => {
    // Act
    const sources = Object.fromEntries(zipFunctions.map((name) => [name, readFileSync(join(assetDirectory(functionNamed(name)), 'index.mjs'), 'utf8')]));
    const withTable = zipFunctions.filter((name) => sources[name]!.includes('Thanksgiving Day'));
    // Assess: the US table, not another country's rules, not the library's parser (moment-timezone's zones).
    expect(withTable).toEqual(['sampling-proof']);
    for (const name of zipFunctions) {
      expect(sources[name], name).not.toContain('process.env.NIGHTSHIFT_HOLIDAYS_JSON');
      expect(sources[name], name).not.toContain('Tag der Deutschen Einheit');
      expect(sources[name], name).not.toContain('Africa/Abidjan');
    }
  });

  it('puts the built web console beside the API handler, and in no other function', () => {
    // Act
    const withConsole = zipFunctions.filter((name) => existsSync(join(assetDirectory(functionNamed(name)), 'console', 'index.html')));
    const apiConsole = join(assetDirectory(functionNamed('api')), 'console');
    const page = readFileSync(join(apiConsole, 'index.html'), 'utf8');
    // Assess
    expect(withConsole).toEqual(['api']);
    for (const [, file] of page.matchAll(/console\/(assets\/[^"]+)"/g)) expect(existsSync(join(apiConsole, file!))).toBe(true);
  });

  it.each(zipFunctions)('keeps the %s bundle under its budget', (name) => {
    // Act
    const size = statSync(join(assetDirectory(functionNamed(name)), 'index.mjs')).size;
    // Assess
    expect(bundleBudgetBytes[name]).toBeDefined();
    const holidayData = name === 'sampling-proof' ? JSON.stringify(compileHolidayTable(config.calendar)).length : 0;
    expect(size).toBeLessThanOrEqual(bundleBudgetBytes[name]! + holidayData);
  });
});

describe('operator links', () => {
  it('outputs console URLs for the Jobs items, the bucket, the schedule group, the API and the token secret', () => {
    // Act
    const url = (id: string) => JSON.stringify(stateless.Outputs[id]?.Value);
    // Assess
    expect(Object.keys(stateless.Outputs).filter((id) => id.endsWith('ConsoleUrl')).sort()).toEqual([
      'ApiConsoleUrl',
      'ArtifactsBucketConsoleUrl',
      'JobsTableConsoleUrl',
      'ScheduleGroupConsoleUrl',
      'TokensSecretConsoleUrl',
    ]);
    expect(url('JobsTableConsoleUrl')).toContain(
      '"https://",{"Ref":"AWS::Region"},".console.aws.amazon.com/dynamodbv2/home?region=",{"Ref":"AWS::Region"},"#item-explorer?table=",{"Fn::GetStackOutput"',
    );
    expect(url('JobsTableConsoleUrl')).toMatch(/"OutputName":"PublishOutputRefJobs/);
    expect(url('ArtifactsBucketConsoleUrl')).toContain('https://s3.console.aws.amazon.com/s3/buckets/');
    expect(url('ScheduleGroupConsoleUrl')).toContain('/scheduler/home?region=');
    expect(url('ScheduleGroupConsoleUrl')).toContain('ScheduleGroup');
    expect(url('ApiConsoleUrl')).toContain('/apigateway/main/develop/routes?api=');
    expect(url('TokensSecretConsoleUrl')).toContain('/secretsmanager/secret?name=');
  });
});

function functionNamed(name: string): Resource {
  const matches = Object.values(stateless.Resources).filter(
    (resource) =>
      resource.Type === 'AWS::Lambda::Function' &&
      (resource.Properties['FunctionName'] === functionName(name) || (name === authorizerFunction.name && String(resource.Properties['Description']).includes('authorizer'))),
  );
  expect(matches, name).toHaveLength(1);
  return matches[0]!;
}

function roleIdOf(name: string): string {
  return (functionNamed(name).Properties['Role'] as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
}

function roleOf(name: string): Resource {
  return stateless.Resources[roleIdOf(name)]!;
}

/** Every statement of every inline policy attached to the function's role. */
function roleStatements(name: string): Statement[] {
  const roleId = roleIdOf(name);
  return Object.values(stateless.Resources)
    .filter((resource) => resource.Type === 'AWS::IAM::Policy' && (resource.Properties['Roles'] as Array<{ Ref: string }>).some((role) => role.Ref === roleId))
    .flatMap((policy) => (policy.Properties['PolicyDocument'] as { Statement: Statement[] }).Statement);
}

function actionsOf(statement: Statement): string[] {
  return [statement.Action].flat();
}

/** The artifact key prefixes (`events/`) of the statements granting `action`. */
function bucketPrefixes(name: string, action: string): string[] {
  const prefixes = roleStatements(name)
    .filter((statement) => actionsOf(statement).includes(action))
    .flatMap((statement) => [statement.Resource].flat())
    .map((resource) => /"\/([a-z-]+\/)\*"/.exec(JSON.stringify(resource))?.[1] ?? `unexpected resource ${JSON.stringify(resource)}`);
  return [...new Set(prefixes)].sort();
}

/** 'RW', 'R' or 'none' for the table whose stateful output name contains `table` (Jobs, Analytics). */
function tableAccess(name: string, table: string): 'RW' | 'R' | 'none' {
  const onTable = roleStatements(name).filter((statement) =>
    statement.Condition === undefined &&
    [statement.Resource].flat().some((resource) => new RegExp(`OutputName":"[^"]*${table}[^"]*Arn`).test(JSON.stringify(resource))),
  );
  const actions = onTable.flatMap(actionsOf);
  if (actions.includes('dynamodb:PutItem')) return 'RW';
  return actions.includes('dynamodb:Query') ? 'R' : 'none';
}

/** The staged asset of a function's code, looked up through the S3 key in the assets manifest. */
function assetDirectory(fn: Resource): string {
  const key = String((fn.Properties['Code'] as { S3Key: string }).S3Key);
  const manifest = JSON.parse(readFileSync(join(outdir, 'Nightshift-Stateless.assets.json'), 'utf8')) as { files: Record<string, { source: { path: string } }> };
  const asset = manifest.files[key.replace(/\.zip$/, '')];
  expect(asset, `asset for ${key}`).toBeDefined();
  return join(outdir, asset!.source.path);
}

/**
 * The modules a bundle imports or requires, from its syntax tree: `ts.preProcessFile` only scans
 * tokens and takes a `require("…")` quoted inside an SDK error message's template for a real one.
 */
function moduleSpecifiers(bundle: string): string[] {
  const specifiers: string[] = [];
  const visit = (node: ts.Node): void => {
    if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) specifiers.push(node.moduleSpecifier.text);
    if (ts.isCallExpression(node) && (node.expression.kind === ts.SyntaxKind.ImportKeyword || (ts.isIdentifier(node.expression) && node.expression.text === 'require'))) {
      const [first] = node.arguments;
      if (first && ts.isStringLiteralLike(first)) specifiers.push(first.text);
    }
    ts.forEachChild(node, visit);
  };
  visit(ts.createSourceFile('index.mjs', bundle, ts.ScriptTarget.Latest, false, ts.ScriptKind.JS));
  return specifiers;
}
