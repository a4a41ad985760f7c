import { describe, expect, it } from 'vitest';
import { readEnvironment } from '../../../functions/adapters/environment';
import { InvalidEnvironmentError } from '../../../functions/adapters/environment-error';
import { apiFunction, jobCatalog } from '../../../functions/catalog';
import { StorageAccessDeniedError } from '../../../functions/core/storage/errors';
import { buildRuntime } from '../../../functions/runtime/runtime';
import { wiringProblems } from '../../../functions/runtime/wiring/aws-adapters';
import { lambdaInvoker } from '../../../functions/runtime/wiring/lambda-invoker';
import { s3Artifacts } from '../../../functions/runtime/wiring/s3-artifacts';
import { MINIMAL_RUNTIME_VARIABLES } from '../../helpers/environment';

/** A Lambda function's variables: the lambda invoker, the job functions named. */
const LAMBDA_VARIABLES = { ...MINIMAL_RUNTIME_VARIABLES, NIGHTSHIFT_INVOKER: 'lambda', NIGHTSHIFT_JOB_FUNCTIONS: '{"rollup":"nightshift-rollup"}' };

describe("a Lambda entry's AWS adapters", () => {
  const entries = [...jobCatalog.map((definition) => ({ name: definition.type, entry: definition.function.entry })), { name: apiFunction.name, entry: apiFunction.entry }];

  // An entry whose adapters differ from its access declaration throws when its module loads.
  it.each(entries)('$name: the entry wires exactly what its access declares, so its module loads', async ({ entry }) => {
    // Act
    const module = (await import(`../../../${entry}`)) as { handler: unknown };

    // Assess
    expect(typeof module.handler).toBe('function');
  });

  it('names a declared service left unwired and a wired service nobody declared', () => {
    // Act
    const problems = wiringProblems('snapshot', { jobs: 'RW', artifacts: { write: ['snapshots/'] } }, { lambda: lambdaInvoker });

    // Assess
    expect(problems).toEqual([
      'snapshot: its access declares s3 calls, but its entry does not wire the s3 adapter',
      'snapshot: its entry wires the lambda adapter, but its access declares no lambda call',
    ]);
  });

  it('refuses, as IAM would, every call to a service the function was built without', async () => {
    // Prepare
    const runtime = buildRuntime(readEnvironment(LAMBDA_VARIABLES), { adapters: {} });

    // Act
    const put = runtime.deps.artifacts.put('snapshots/x.json', '{}', 'application/json');
    const invoke = runtime.deps.invoker.invokeAsync({ type: 'rollup', trigger: 'api' });

    // Assess
    await expect(put).rejects.toBeInstanceOf(StorageAccessDeniedError);
    await expect(invoke).rejects.toMatchObject({ code: 'invoke_failed', message: expect.stringMatching(/may not invoke jobs/) });
  });

  it('refuses at the start a queue or topic variable the function has no adapter for', () => {
    // Prepare
    const env = readEnvironment({ ...LAMBDA_VARIABLES, NIGHTSHIFT_DELAY_QUEUE_URL: 'https://sqs.us-east-1.amazonaws.com/1/delay', NIGHTSHIFT_ALERT_TOPIC_ARN: 'arn:aws:sns:us-east-1:123456789012:nightshift-alerts' });

    // Act
    const building = () => buildRuntime(env, { adapters: { s3: s3Artifacts, lambda: lambdaInvoker } });

    // Assess
    expect(building).toThrow(InvalidEnvironmentError);
    expect(building).toThrow(/NIGHTSHIFT_DELAY_QUEUE_URL[^]*NIGHTSHIFT_ALERT_TOPIC_ARN/);
  });
});
