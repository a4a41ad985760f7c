import { spawn } from 'node:child_process';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { projectRoot } from '../constructs/job-function';
import type { Rehearsal } from './rehearsal';
import type { ScheduleDefinition } from './scheduler';

export interface StepResult {
  name: string;
  passed: boolean;
  detail: string;
  ms: number;
}

export class StepFailure extends Error {}

export function check(condition: unknown, message: string): asserts condition {
  if (!condition) throw new StepFailure(message);
}

/** A user's HTTP calls to the deployed API (the rehearsal's API Gateway). */
export class ApiClient {
  token = '';

  constructor(readonly baseUrl: string) {}

  async call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<{ status: number; body: unknown; text: string }> {
    const response = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers: { ...(this.token ? { authorization: `Bearer ${this.token}` } : {}), ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
      ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
    });
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text) as unknown;
    } catch {
      // not JSON
    }
    return { status: response.status, body: parsed, text };
  }
}

/** The job type a schedule's Input names (`{"type": …}`), read from the template. */
export function scheduleJobType(schedule: ScheduleDefinition): string | undefined {
  try {
    return (JSON.parse(schedule.input) as { type?: string }).type;
  } catch {
    return undefined;
  }
}

/**
 * Runs `npm run token -- create` exactly as docs/deploy.md says, as the operator
 * (an administrator's credentials), against the rehearsal's endpoint; returns the printed token.
 */
export async function createTokenAsReadmeSays(rehearsal: Rehearsal, name: string, scope: string): Promise<string> {
  const secretId = rehearsal.outputs['TokensSecretArn'];
  check(secretId, 'the stack has no TokensSecretArn output');
  const { stdout, stderr, code } = await run('npm', ['run', '--silent', 'token', '--', 'create', '--name', name, '--scope', scope, '--secret-id', secretId], {
    ...process.env,
    AWS_ENDPOINT_URL: rehearsal.endpointUrl,
    AWS_ACCESS_KEY_ID: rehearsal.operator.accessKeyId,
    AWS_SECRET_ACCESS_KEY: rehearsal.operator.secretAccessKey,
    AWS_SESSION_TOKEN: rehearsal.operator.sessionToken,
    AWS_REGION: rehearsal.deployment.target.region,
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  });
  check(code === 0, `npm run token create exited ${String(code)}: ${stderr.trim() || stdout.trim()}`);
  const token = stdout.split('\n').map((line) => line.trim()).find((line) => /^ns[a-z]*_\S+$/.test(line));
  check(token, `no token in the output of npm run token create:\n${stdout}`);
  return token;
}

/** An operator's SendMessage (an administrator's keys), through the rehearsal's endpoint. */
export async function sendAsOperator(rehearsal: Rehearsal, queueUrl: string, body: string): Promise<void> {
  const client = new SQSClient({ region: rehearsal.deployment.target.region, endpoint: rehearsal.endpointUrl, credentials: rehearsal.operator, maxAttempts: 1 });
  try {
    await client.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: body }));
  } finally {
    client.destroy();
  }
}

function run(command: string, args: string[], env: NodeJS.ProcessEnv): Promise<{ stdout: string; stderr: string; code: number | null }> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: projectRoot, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('close', (code) => resolve({ stdout, stderr, code }));
  });
}
