import type { ApiContext } from '../api/http';
import { tokensByRole } from '../api/auth';
import { consoleDirectory, loadConsoleAssets } from '../api/console/console-assets';
import { madeOnFirstUse } from './first-call';
import type { Runtime } from './runtime';

/** What the API's routes run on: the runtime's dependencies and stores, its tokens and console. */
export function apiContextOf(runtime: Runtime): ApiContext {
  const { env, deps, services } = runtime;
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
    testEndpoints: env.enableTestEndpoints,
    // The whole console is a few hundred KB: read once per container, on its first request.
    console: { directory, assets: madeOnFirstUse(() => loadConsoleAssets(directory)) },
  };
}
