import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { routeSpecs } from '../../functions/api/route-specs';
import { parseConfig } from '../../functions/core/config';
import { buildApp } from '../../infra/app';

type Json = Record<string, unknown>;
type Resource = { Type: string; Properties: Json; DeletionPolicy?: string };

let outdir: string;
let stateless: Template;

beforeAll(() => {
  // Prepare: one synth for the file, into a temp dir it owns.
  outdir = mkdtempSync(join(tmpdir(), 'nightshift-cdk-auth-'));
  // Act
  stateless = Template.fromStack(buildApp({ config: parseConfig({ timezone: 'UTC' }), outdir, deployedAt: '2026-11-22T10:00:00.000Z', bundle: false }).stateless);
});

afterAll(() => {
  rmSync(outdir, { recursive: true, force: true });
});

describe('the token secret', () => {
  it('starts as an empty token list, is retained, and is given in the outputs with the token command', () => {
    // Prepare
    const [secretId, secret] = only('AWS::SecretsManager::Secret');

    // Assess
    expect(secret.DeletionPolicy).toBe('Retain');
    expect(secret.Properties['SecretString']).toBe('{"tokens":[]}');
    expect(secret.Properties['GenerateSecretString']).toBeUndefined();
    expect(stateless.findOutputs('TokensSecretArn')['TokensSecretArn']).toMatchObject({ Value: { Ref: secretId } });
    expect(JSON.stringify(stateless.findOutputs('TokenCommand'))).toContain('npm run token -- create --name NAME --scope admin|read|ingest --secret-id ');
  });
});

describe('the authorizer', () => {
  it('is a Node 22 arm64 function with a log group, given the secret ARN', () => {
    // Prepare
    const [, fn] = authorizerFunction();
    const [secretId] = only('AWS::SecretsManager::Secret');

    // Assess
    expect(fn.Properties).toMatchObject({ Runtime: 'nodejs22.x', Architectures: ['arm64'], Handler: 'index.handler' });
    expect((fn.Properties['LoggingConfig'] as Json)['LogGroup']).toBeDefined();
    expect((fn.Properties['Environment'] as { Variables: Json }).Variables['NIGHTSHIFT_TOKENS_SECRET_ARN']).toEqual({ Ref: secretId });
  });

  it('may only read that one secret, and is the only function that may touch Secrets Manager', () => {
    // Prepare
    const [authorizerId] = authorizerFunction();
    const [secretId] = only('AWS::SecretsManager::Secret');
    const secretStatementsBy = Object.fromEntries(
      Object.entries(stateless.findResources('AWS::Lambda::Function') as Record<string, Resource>).map(([id, fn]) => [
        id,
        roleStatements(fn).filter((statement) => JSON.stringify(statement['Action']).includes('secretsmanager:')),
      ]),
    );

    // Assess
    expect(secretStatementsBy[authorizerId]).toEqual([{ Action: 'secretsmanager:GetSecretValue', Effect: 'Allow', Resource: { Ref: secretId } }]);
    const others = Object.entries(secretStatementsBy).filter(([id]) => id !== authorizerId);
    expect(others.length).toBeGreaterThan(1);
    for (const [id, statements] of others) expect(statements, id).toEqual([]);
  });

  it('is a REQUEST authorizer with simple responses on the Authorization header, answers cached 300 s', () => {
    // Assess
    stateless.resourceCountIs('AWS::ApiGatewayV2::Authorizer', 1);
    stateless.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
      AuthorizerType: 'REQUEST',
      AuthorizerPayloadFormatVersion: '2.0',
      EnableSimpleResponses: true,
      IdentitySource: ['$request.header.Authorization'],
      AuthorizerResultTtlInSeconds: 300,
      AuthorizerUri: Match.anyValue(),
    });
  });

  it('guards every scoped route, and no route whose scope is none', () => {
    // Prepare
    const [authorizerId] = only('AWS::ApiGatewayV2::Authorizer');
    const routes = Object.values(stateless.findResources('AWS::ApiGatewayV2::Route') as Record<string, Resource>);
    const byKey = new Map(routes.map((route) => [String(route.Properties['RouteKey']), route.Properties]));

    // Assess
    expect(byKey.size).toBe(routeSpecs.length);
    for (const spec of routeSpecs) {
      const route = byKey.get(`${spec.method} ${spec.path}`);
      if (spec.scope === 'none') {
        expect(route?.['AuthorizerId'], `${spec.method} ${spec.path}`).toBeUndefined();
        expect(route?.['AuthorizationType'] ?? 'NONE', `${spec.method} ${spec.path}`).toBe('NONE');
      } else {
        expect(route, `${spec.method} ${spec.path}`).toMatchObject({ AuthorizationType: 'CUSTOM', AuthorizerId: { Ref: authorizerId } });
      }
    }
  });

  it('lets API Gateway, and only it, invoke the authorizer', () => {
    // Prepare
    const [authorizerId] = authorizerFunction();
    const permissions = Object.values(stateless.findResources('AWS::Lambda::Permission') as Record<string, Resource>).filter((permission) =>
      JSON.stringify(permission.Properties['FunctionName']).includes(authorizerId),
    );

    // Assess
    expect(permissions.length).toBeGreaterThan(0);
    for (const permission of permissions) expect(permission.Properties['Principal']).toBe('apigateway.amazonaws.com');
  });
});

function only(type: string): [string, Resource] {
  const entries = Object.entries(stateless.findResources(type) as Record<string, Resource>);
  expect(entries, type).toHaveLength(1);
  return entries[0]!;
}

function authorizerFunction(): [string, Resource] {
  const entries = Object.entries(stateless.findResources('AWS::Lambda::Function') as Record<string, Resource>).filter(
    ([, fn]) => (fn.Properties['Environment'] as { Variables?: Json } | undefined)?.Variables?.['NIGHTSHIFT_TOKENS_SECRET_ARN'] !== undefined,
  );
  expect(entries, 'functions given the token secret').toHaveLength(1);
  return entries[0]!;
}

/** Every statement of every inline policy attached to the function's role. */
function roleStatements(fn: Resource): Json[] {
  const roleId = (fn.Properties['Role'] as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
  return Object.values(stateless.findResources('AWS::IAM::Policy') as Record<string, Resource>)
    .filter((policy) => (policy.Properties['Roles'] as Array<{ Ref: string }>).some((role) => role.Ref === roleId))
    .flatMap((policy) => (policy.Properties['PolicyDocument'] as { Statement: Json[] }).Statement);
}
