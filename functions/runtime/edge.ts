import type { ApiContext } from '../api/http';
import type { Logger } from '../core/jobs/logger';
import { readEnvironment } from '../adapters/environment';
import { createLogger } from '../adapters/logger';
import { runnableJob, type JobTypeDefinition } from '../jobs/job-type-definition';
import { apiContextOf } from './api-context';
import { builtOnFirstCall, madeOnFirstUse } from './first-call';
import { makeJobHandler, type JobHandler } from './job-handler';
import { buildRuntime, type Runtime } from './runtime';

/**
 * The edge of the runtime's Lambda functions, and the only place that reads `process.env`: the
 * environment is parsed and the runtime built once per container, on first use, then handed to
 * the handler factories. Everything inside takes what it needs as arguments.
 */
const runtimeOfThisContainer = madeOnFirstUse((): Runtime => buildRuntime(readEnvironment(process.env)));

/** A job type's Lambda handler (`functions/jobs/<type>/handler.ts`). */
export function lambdaJobHandler(definition: JobTypeDefinition): JobHandler {
  return builtOnFirstCall(() => {
    const runtime = runtimeOfThisContainer();
    return makeJobHandler(runnableJob(definition, runtime.services), runtime.deps);
  });
}

/** The API function's Lambda handler; a context that cannot be built is answered as a JSON 500. */
export function lambdaApiHandler<H>(make: (context: () => ApiContext, logger: Logger) => H): H {
  return make(
    madeOnFirstUse(() => apiContextOf(runtimeOfThisContainer())),
    createLogger(),
  );
}
