import { compileHolidayTable } from '../calendar/compile-holidays';
import type { RuntimeEnvironment } from '../../functions/adapters/environment';
import { makeApiHandler } from '../../functions/api/handler';
import { jobFunctionSpec } from '../../functions/catalog';
import { jobRuns, testEndpointsOf } from '../../functions/job-runs';
import type { JobInvocation } from '../../functions/core/jobs/ports';
import { apiContextOf } from '../../functions/runtime/api-context';
import { makeJobHandler } from '../../functions/runtime/job-handler';
import { runnableJob } from '../../functions/jobs/job-type-definition';
import { buildRuntime, type Runtime } from '../../functions/runtime/runtime';
import { everyAwsAdapter } from '../../functions/runtime/wiring/every-adapter';
import { InProcessInvoker, type LaneSpec } from './in-process-invoker';
import type { LocalClock } from './simulated-clock';

export interface InProcessFunctions {
  runtime: Runtime;
  invoker: InProcessInvoker;
  /** The API function's handler over the same runtime. */
  api: ReturnType<typeof makeApiHandler>;
}

/**
 * Every function of the stack in one process, over one composition root: the runtime built from
 * the parsed environment with the in-process invoker, a lane per job type of the catalog (its
 * handler, concurrency cap and timeout, as the stack makes its function), and the API handler.
 * The local cloud runs on it; so do tests that let jobs run for real. `lanes` replaces the
 * catalog's (a test's own script whitelist). `clock` is the one clock of all of them (real time,
 * or the simulated time of `--clock`/`--speed`).
 */
export function buildInProcessFunctions(
  env: RuntimeEnvironment,
  options: {
    clock: LocalClock;
    onError: (invocation: JobInvocation, error: unknown) => void;
    /** What each invocation's handler returned (the local cloud's run lines). */
    onEnded?: (invocation: JobInvocation, result: unknown) => void;
    lanes?: (runtime: Runtime) => readonly LaneSpec[];
  },
): InProcessFunctions {
  const invoker = new InProcessInvoker(options.clock, options.onError, options.onEnded);
  const holidays = compileHolidayTable(env.config.calendar);
  const runtime = buildRuntime(env, { adapters: everyAwsAdapter, invoker, clock: options.clock, ...(holidays ? { holidays } : {}) });
  invoker.serve(options.lanes?.(runtime) ?? catalogLanes(runtime));
  const context = apiContextOf(runtime, testEndpointsOf);
  return { runtime, invoker, api: makeApiHandler(() => context, runtime.deps.logger) };
}

/** The catalog's job functions (with their runs) as lanes: each over the runtime, capped and timed as in AWS. */
export function catalogLanes(runtime: Runtime): LaneSpec[] {
  return jobRuns.map((definition) => {
    const spec = jobFunctionSpec(definition, runtime.env.config);
    const handler = makeJobHandler(runnableJob(definition, runtime.services), runtime.deps);
    return { type: definition.type, maxConcurrency: spec.maxConcurrency, timeoutMs: spec.timeoutSeconds * 1000, handler };
  });
}
