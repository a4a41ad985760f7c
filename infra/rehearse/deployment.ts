import type { CloudAssembly, StackTemplate, TemplateResource } from './assembly';
import { physicalResource, type DeployTarget, type PhysicalResource } from './resources';

export class IntrinsicError extends Error {}

/** A resource of the rehearsal's deployment: its template entry, resolved properties and names. */
export interface DeployedResource {
  stack: StackTemplate;
  logicalId: string;
  type: string;
  resource: TemplateResource;
  /** Properties with every intrinsic resolved to the rehearsal's names. */
  props: Record<string, unknown>;
  physical: PhysicalResource;
}

/** Properties whose value names the resource, read before the name is generated. */
const NAME_PROPERTIES = ['TableName', 'BucketName', 'FunctionName', 'RoleName', 'QueueName', 'TopicName', 'Name', 'LogGroupName', 'AlarmName', 'GroupName'];

/**
 * The assembly "deployed" to a made-up account: every intrinsic (Ref, Fn::GetAtt, Fn::Join,
 * Fn::Sub, Fn::Select, Fn::Split, Fn::ImportValue, Fn::GetStackOutput, pseudo parameters) resolved
 * the way CloudFormation resolves it, with the names CloudFormation would generate.
 */
export class Deployment {
  private readonly physical = new Map<string, PhysicalResource>();
  private readonly resolvedProps = new Map<string, Record<string, unknown>>();
  private readonly inProgress = new Set<string>();

  constructor(
    readonly assembly: CloudAssembly,
    readonly target: DeployTarget,
  ) {}

  /** Every resource of every stack, resolved; `type` filters by CloudFormation type. */
  resources(type?: string): DeployedResource[] {
    return this.assembly.stacks.flatMap((stack) =>
      Object.entries(stack.resources)
        .filter(([, resource]) => type === undefined || resource.Type === type)
        .map(([logicalId]) => this.deployed(stack, logicalId)),
    );
  }

  deployed(stack: StackTemplate, logicalId: string): DeployedResource {
    const resource = stack.resources[logicalId];
    if (!resource) throw new IntrinsicError(`${stack.stackName} has no resource ${logicalId}`);
    return { stack, logicalId, type: resource.Type, resource, props: this.props(stack, logicalId), physical: this.physicalOf(stack, logicalId) };
  }

  props(stack: StackTemplate, logicalId: string): Record<string, unknown> {
    const key = `${stack.stackName}/${logicalId}`;
    const cached = this.resolvedProps.get(key);
    if (cached) return cached;
    const resolved = this.resolve(stack, stack.resources[logicalId]?.Properties ?? {}) as Record<string, unknown>;
    this.resolvedProps.set(key, resolved);
    return resolved;
  }

  physicalOf(stack: StackTemplate, logicalId: string): PhysicalResource {
    const key = `${stack.stackName}/${logicalId}`;
    const cached = this.physical.get(key);
    if (cached) return cached;
    const resource = stack.resources[logicalId];
    if (!resource) throw new IntrinsicError(`${stack.stackName}: Ref to unknown resource ${logicalId}`);
    if (this.inProgress.has(key)) throw new IntrinsicError(`${key}: its name depends on itself`);
    this.inProgress.add(key);
    try {
      const nameProps: Record<string, unknown> = {};
      for (const name of NAME_PROPERTIES) {
        const value = resource.Properties?.[name];
        if (value !== undefined) nameProps[name] = this.resolve(stack, value);
      }
      const physical = physicalResource(stack.stackName, logicalId, resource, nameProps, this.target);
      this.physical.set(key, physical);
      return physical;
    } finally {
      this.inProgress.delete(key);
    }
  }

  resolve(stack: StackTemplate, value: unknown): unknown {
    if (Array.isArray(value)) return value.map((item) => this.resolve(stack, item));
    if (value === null || typeof value !== 'object') return value;
    const entries = Object.entries(value);
    if (entries.length === 1) {
      const [[fn, arg]] = entries as [[string, unknown]];
      if (fn === 'Ref' || fn.startsWith('Fn::')) return this.intrinsic(stack, fn, arg);
    }
    return Object.fromEntries(entries.map(([key, item]) => [key, this.resolve(stack, item)]));
  }

  private intrinsic(stack: StackTemplate, fn: string, arg: unknown): unknown {
    switch (fn) {
      case 'Ref':
        return this.ref(stack, String(arg));
      case 'Fn::GetAtt': {
        const [logicalId, attribute] = Array.isArray(arg) ? (arg as string[]) : String(arg).split(/\.(.*)/s);
        return this.getAtt(stack, String(logicalId), String(attribute));
      }
      case 'Fn::Join': {
        const [separator, parts] = arg as [string, unknown[]];
        return (this.resolve(stack, parts) as unknown[]).map(String).join(separator);
      }
      case 'Fn::Sub':
        return this.sub(stack, arg);
      case 'Fn::Select': {
        const [index, list] = arg as [unknown, unknown];
        return (this.resolve(stack, list) as unknown[])[Number(this.resolve(stack, index))];
      }
      case 'Fn::Split': {
        const [separator, text] = arg as [string, unknown];
        return String(this.resolve(stack, text)).split(separator);
      }
      case 'Fn::ImportValue':
        return this.importValue(String(this.resolve(stack, arg)));
      case 'Fn::GetStackOutput': {
        const { StackName, OutputName } = this.resolve(stack, arg) as { StackName: string; OutputName: string };
        return this.output(StackName, OutputName);
      }
      case 'Fn::Base64':
        return Buffer.from(String(this.resolve(stack, arg))).toString('base64');
      case 'Fn::GetAZs':
        return ['a', 'b', 'c'].map((zone) => `${this.target.region}${zone}`);
      default:
        throw new IntrinsicError(`${stack.stackName}: ${fn} is not supported by the rehearsal`);
    }
  }

  private ref(stack: StackTemplate, name: string): string {
    switch (name) {
      case 'AWS::AccountId':
        return this.target.account;
      case 'AWS::Region':
        return this.target.region;
      case 'AWS::Partition':
        return this.target.partition;
      case 'AWS::URLSuffix':
        return this.target.urlSuffix;
      case 'AWS::StackName':
        return stack.stackName;
      case 'AWS::StackId':
        return `arn:${this.target.partition}:cloudformation:${this.target.region}:${this.target.account}:stack/${stack.stackName}/rehearsal`;
      case 'AWS::NoValue':
        return '';
      default:
        return this.physicalOf(stack, name).ref;
    }
  }

  private getAtt(stack: StackTemplate, logicalId: string, attribute: string): string {
    const value = this.physicalOf(stack, logicalId).attributes[attribute];
    if (value === undefined) throw new IntrinsicError(`${stack.stackName}: Fn::GetAtt ${logicalId}.${attribute} (${stack.resources[logicalId]?.Type}) is not known to the rehearsal`);
    return value;
  }

  private sub(stack: StackTemplate, arg: unknown): string {
    const [template, variables] = Array.isArray(arg) ? (arg as [string, Record<string, unknown>]) : [String(arg), {}];
    const resolvedVariables = this.resolve(stack, variables) as Record<string, unknown>;
    return template.replace(/\$\{([^}!][^}]*)\}/g, (_match, name: string) => {
      if (name in resolvedVariables) return String(resolvedVariables[name]);
      if (name.includes('.') && !name.startsWith('AWS::')) {
        const [logicalId, attribute] = name.split(/\.(.*)/s) as [string, string];
        return this.getAtt(stack, logicalId, attribute);
      }
      return this.ref(stack, name);
    });
  }

  private output(stackName: string, outputName: string): unknown {
    const stack = this.assembly.stacks.find((candidate) => candidate.stackName === stackName);
    const output = stack?.outputs[outputName];
    if (!stack || !output) throw new IntrinsicError(`no output ${outputName} in stack ${stackName}`);
    return this.resolve(stack, output.Value);
  }

  private importValue(exportName: string): unknown {
    for (const stack of this.assembly.stacks) {
      for (const output of Object.values(stack.outputs)) {
        if (output.Export && this.resolve(stack, output.Export.Name) === exportName) return this.resolve(stack, output.Value);
      }
    }
    throw new IntrinsicError(`Fn::ImportValue: no stack exports ${exportName}`);
  }
}

/** The stack output values, resolved (ApiUrl, TokensSecretArn, …): what `cdk deploy` prints. */
export function stackOutputs(deployment: Deployment): Record<string, string> {
  const outputs: Record<string, string> = {};
  for (const stack of deployment.assembly.stacks) {
    for (const [name, output] of Object.entries(stack.outputs)) outputs[name] = String(deployment.resolve(stack, output.Value));
  }
  return outputs;
}
