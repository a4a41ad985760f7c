import { cpSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Deployment, DeployedResource } from './deployment';
import { textOf } from './resources';

/** A Lambda function as the template defines it, with its code laid out on disk. */
export interface LambdaFunction {
  logicalId: string;
  name: string;
  arn: string;
  roleArn: string;
  /** `index.handler`: module and export, resolved in `taskRoot` as the runtime resolves it. */
  handler: string;
  taskRoot: string;
  runtime: string;
  memoryMb: number;
  timeoutSeconds: number;
  reservedConcurrency: number | undefined;
  environment: Record<string, string>;
  logGroupName: string;
  packageType: 'Zip' | 'Image';
  /** What the rehearsal did not do as AWS would (a Dockerfile RUN step, for example). */
  notes: string[];
}

export class FunctionLayoutError extends Error {}

/** The runtime the rehearsal runs: the Node.js major Lambda's `nodejs22.x` runs. */
export const REHEARSED_RUNTIME = 'nodejs22.x';
const LAMBDA_TASK_ROOT = '/var/task';

/**
 * Every AWS::Lambda::Function of the assembly: a zip function runs from its asset folder (what
 * would be zipped and uploaded); an image function from its Docker context, laid out as its
 * Dockerfile's COPY, ENV and CMD say (RUN steps are not executed: their tools come from this
 * machine, and the report says so).
 */
export function loadFunctions(deployment: Deployment, workDir: string): LambdaFunction[] {
  return deployment.resources('AWS::Lambda::Function').map((resource) => loadFunction(deployment, resource, workDir));
}

function loadFunction(deployment: Deployment, resource: DeployedResource, workDir: string): LambdaFunction {
  const props = resource.props;
  const code = props['Code'] as { S3Key?: string; ImageUri?: string } | undefined;
  const environment = Object.fromEntries(
    Object.entries(((props['Environment'] as { Variables?: Record<string, unknown> } | undefined)?.Variables ?? {})).map(([key, value]) => [key, String(value)]),
  );
  const logGroupName = textOf((props['LoggingConfig'] as { LogGroup?: unknown } | undefined)?.LogGroup, `/aws/lambda/${resource.physical.ref}`);
  const base = {
    logicalId: resource.logicalId,
    name: resource.physical.ref,
    arn: resource.physical.attributes['Arn'] ?? '',
    roleArn: String(props['Role']),
    memoryMb: Number(props['MemorySize'] ?? 128),
    timeoutSeconds: Number(props['Timeout'] ?? 3),
    reservedConcurrency: props['ReservedConcurrentExecutions'] === undefined ? undefined : Number(props['ReservedConcurrentExecutions']),
    logGroupName,
    notes: [] as string[],
  };
  if (props['PackageType'] === 'Image' || code?.ImageUri) {
    const tag = String(code?.ImageUri ?? '').split(':').pop() ?? '';
    const context = resource.stack.assetDirectories.get(tag);
    if (!context) throw new FunctionLayoutError(`${resource.logicalId}: image ${String(code?.ImageUri)} has no asset in the assembly`);
    const image = layOutImage(context, join(workDir, resource.physical.ref));
    return { ...base, ...image, environment: { ...image.environment, ...environment }, packageType: 'Image' };
  }
  const hash = String(code?.S3Key ?? '').replace(/\.zip$/, '');
  const taskRoot = resource.stack.assetDirectories.get(hash);
  if (!taskRoot) throw new FunctionLayoutError(`${resource.logicalId}: code ${String(code?.S3Key)} has no asset in the assembly (inline code is not rehearsed)`);
  const runtime = String(props['Runtime']);
  if (runtime !== REHEARSED_RUNTIME) throw new FunctionLayoutError(`${resource.logicalId}: runtime ${runtime} is not rehearsed (only ${REHEARSED_RUNTIME})`);
  return { ...base, handler: String(props['Handler']), taskRoot, runtime, environment, packageType: 'Zip' };
}

interface ImageLayout {
  handler: string;
  taskRoot: string;
  runtime: string;
  environment: Record<string, string>;
  notes: string[];
}

/** COPY into /var/task, ENV with /var/task rewritten to the laid-out folder, CMD as the handler. */
function layOutImage(context: string, destination: string): ImageLayout {
  const dockerfile = readFileSync(join(context, 'Dockerfile'), 'utf8');
  const taskRoot = join(destination, 'task');
  mkdirSync(taskRoot, { recursive: true });
  const variables: Record<string, string> = { LAMBDA_TASK_ROOT };
  const environment: Record<string, string> = {};
  const notes: string[] = [];
  let handler = '';
  let runtime = '';
  const expand = (text: string): string => text.replace(/\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?/g, (match, name: string) => variables[name] ?? match);
  const local = (path: string): string => {
    if (path === LAMBDA_TASK_ROOT || path.startsWith(`${LAMBDA_TASK_ROOT}/`)) return join(taskRoot, path.slice(LAMBDA_TASK_ROOT.length));
    throw new FunctionLayoutError(`${context}/Dockerfile: COPY to ${path}, outside ${LAMBDA_TASK_ROOT}, is not rehearsed`);
  };
  for (const line of joinContinuations(dockerfile)) {
    const [instruction = '', ...rest] = line.split(/\s+/);
    const argument = line.slice(instruction.length).trim();
    switch (instruction.toUpperCase()) {
      case 'FROM': {
        const match = /lambda\/nodejs:(\d+)/.exec(argument);
        if (!match) throw new FunctionLayoutError(`${context}/Dockerfile: base image ${argument} is not a Lambda Node.js image`);
        runtime = `nodejs${match[1]}.x`;
        if (runtime !== REHEARSED_RUNTIME) throw new FunctionLayoutError(`${context}/Dockerfile: ${runtime} is not rehearsed (only ${REHEARSED_RUNTIME})`);
        break;
      }
      case 'ENV': {
        const pairs = argument.includes('=') ? [...argument.matchAll(/([A-Za-z_][A-Za-z0-9_]*)=("[^"]*"|\S+)/g)].map((m) => [m[1] ?? '', (m[2] ?? '').replace(/^"|"$/g, '')]) : [[rest[0] ?? '', rest.slice(1).join(' ')]];
        for (const [name, value] of pairs) {
          variables[name as string] = expand(value as string);
          const expanded = expand(value as string);
          environment[name as string] = expanded.startsWith(LAMBDA_TASK_ROOT) ? local(expanded) : expanded;
        }
        break;
      }
      case 'COPY': {
        const parts = rest.filter((part) => !part.startsWith('--'));
        const target = expand(parts.pop() ?? '');
        for (const source of parts) cpSync(join(context, source), local(target), { recursive: true });
        break;
      }
      case 'CMD': {
        const parsed = JSON.parse(argument) as string[];
        handler = parsed[0] ?? '';
        break;
      }
      case 'RUN':
        notes.push(`Dockerfile RUN not executed (its tools come from this machine): ${argument}`);
        break;
      default:
        if (instruction !== '') notes.push(`Dockerfile ${instruction} ignored`);
    }
  }
  if (!handler) throw new FunctionLayoutError(`${context}/Dockerfile: no CMD names the handler`);
  if (!existsSync(taskRoot)) throw new FunctionLayoutError(`${context}/Dockerfile: nothing copied to ${LAMBDA_TASK_ROOT}`);
  return { handler, taskRoot, runtime, environment, notes };
}

function joinContinuations(text: string): string[] {
  return text
    .replace(/\\\r?\n/g, ' ')
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
}
