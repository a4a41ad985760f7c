import type { ApiContext, TestEndpoints } from '../api/http';
import { InvalidEnvironmentError } from '../adapters/environment-error';
import { tokensByRole } from '../api/auth';
import { consoleDirectory, loadConsoleAssets } from '../api/console/console-assets';
import { madeOnFirstUse } from './first-call';
import type { Runtime } from './runtime';

/**
 * What the API's routes run on: the runtime's dependencies and stores, its tokens and console.
 * `testEndpoints` builds the test-only routes' work (the local cloud and the tests hand it over);
 * an API built without it refuses ENABLE_TEST_ENDPOINTS=true rather than answer 403 to what the
 * variable asked for.
 */
export function apiContextOf(runtime: Runtime, testEndpoints?: (runtime: Runtime) => TestEndpoints): ApiContext {
  const { env, deps, services } = runtime;
  if (env.enableTestEndpoints && !testEndpoints) {
    throw new InvalidEnvironmentError(['ENABLE_TEST_ENDPOINTS: "true", but this API function is built without the test endpoints (only the local cloud and the tests have them)']);
  }
  const directory = consoleDirectory(env.consoleDirectory);
  return {
    deps,
    idempotency: runtime.idempotency,
    rollup: services.rollup,
    snapshots: services.snapshots,
    proofs: services.proofs,
    annotations: services.annotations,
    deployedAt: env.deployedAt,
    version: env.version,
    tokens: tokensByRole(env.apiTokens),
    ...(env.enableTestEndpoints && testEndpoints ? { testEndpoints: testEndpoints(runtime) } : {}),
    // The whole console is a few hundred KB: read once per container, on its first request.
    console: { directory, assets: madeOnFirstUse(() => loadConsoleAssets(directory)) },
  };
}
