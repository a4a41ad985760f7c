import type { ApiContext } from '../api/http';
import type { Logger } from '../core/jobs/logger';
import type { HolidayTable } from '../core/calendar/holidays';
import { readEnvironment } from '../adapters/environment';
import { createLogger } from '../adapters/logger';
import { apiAccess, type FunctionAccess } from '../function-access';
import { runnableJob, withRun, type JobRun, type JobTypeDeclaration } from '../jobs/job-type-definition';
import { apiContextOf } from './api-context';
import { builtOnFirstCall, madeOnFirstUse } from './first-call';
import { makeJobHandler, type JobHandler } from './job-handler';
import { buildRuntime, type Runtime } from './runtime';
import { wiringProblems, type AwsAdapters } from './wiring/aws-adapters';

/**
 * The edge of the runtime's Lambda functions, and the only place that reads `process.env`: the
 * environment is parsed and the runtime built once per container, on first use, then handed to
 * the handler factories. Everything inside takes what it needs as arguments.
 *
 * Each entry names the AWS adapters its function calls (`wiring/`), so its bundle holds only
 * those clients; they must be exactly what its access declares, checked when the entry module
 * loads (the bundle tests load every bundle).
 */
function runtimeOfThisContainer(name: string, access: FunctionAccess, adapters: AwsAdapters, compiled: CompiledInputs): () => Runtime {
  const problems = wiringProblems(name, access, adapters);
  if (problems.length > 0) throw new Error(`the Lambda entry's AWS adapters do not match its access declaration:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
  return madeOnFirstUse(() => {
    const holidays = compiled.holidays?.();
    return buildRuntime(readEnvironment(process.env), { adapters, ...(holidays ? { holidays } : {}) });
  });
}

/** What an entry reads from its bundle beyond the config: the holiday table, for the sampling proof (`adapters/environment.ts`). */
export interface CompiledInputs {
  holidays?: () => HolidayTable | undefined;
}

/**
 * A job type's Lambda handler (`functions/jobs/<type>/handler.ts`): its declaration with its own
 * run (the only run in its bundle), over the adapters its access declares.
 */
export function lambdaJobHandler<P extends Record<string, unknown>>(declaration: JobTypeDeclaration<P>, run: JobRun<P>, adapters: AwsAdapters, compiled: CompiledInputs = {}): JobHandler {
  const runtime = runtimeOfThisContainer(declaration.type, declaration.access, adapters, compiled);
  return builtOnFirstCall(() => makeJobHandler(runnableJob(withRun(declaration, run), runtime().services), runtime().deps));
}

/** The API function's Lambda handler; a context that cannot be built is answered as a JSON 500. */
export function lambdaApiHandler<H>(make: (context: () => ApiContext, logger: Logger) => H, adapters: AwsAdapters): H {
  const runtime = runtimeOfThisContainer('api', apiAccess, adapters, {});
  return make(
    madeOnFirstUse(() => apiContextOf(runtime())),
    createLogger(),
  );
}
